using System.Diagnostics;
using System.Globalization;
using Xunit.Abstractions;

namespace Moderation.Tests.Fuzz;

/// <summary>
/// Zero 5xx from bad input: malformed requests for every operation of the OpenAPI document, as every kind of caller,
/// from a fixed seed. Every answer is below 500, every 4xx is ProblemDetails, and no refused request changes the
/// database (each table's rows and the audit chain's tip are compared around every refused request).
/// <c>MODERATION_FUZZ_REQUESTS</c> and <c>MODERATION_FUZZ_SEED</c> change the run (<c>deploy/fuzz.sh</c>).
/// </summary>
[Collection(FuzzGroup.Name)]
public sealed class FuzzTests(FuzzTarget target, ITestOutputHelper output)
{
    public const int DefaultRequests = 2400;
    public const int DefaultSeed = 20261201;
    private const int MaxFindingsShown = 40;

    [Fact]
    public async Task MalformedRequestsToEveryOperationAreRefusedWithProblemDetailsAndChangeNothing()
    {
        var requests = Setting("MODERATION_FUZZ_REQUESTS", DefaultRequests);
        var seed = Setting("MODERATION_FUZZ_SEED", DefaultSeed);
        var operations = target.Document.All;
        Assert.True(operations.Count >= 60, $"The OpenAPI document lists only {operations.Count} operations.");
        var generator = new FuzzGenerator(seed, operations);
        var findings = new Dictionary<string, (int Count, string Example)>();
        var known = new Dictionary<string, (int Count, string Example)>();
        var statuses = new SortedDictionary<int, int>();
        var refused = 0;
        var clock = Stopwatch.StartNew();
        var sending = new Stopwatch();
        var checking = new Stopwatch();
        var settling = new Stopwatch();

        await using var log = Environment.GetEnvironmentVariable("MODERATION_FUZZ_LOG") is { Length: > 0 } path ? new StreamWriter(path) : null;
        var before = await target.Snapshots.TakeAsync();
        for (var i = 0; i < requests; i++)
        {
            var request = generator.Next(operations[i % operations.Count], target.Context);
            sending.Start();
            var response = await target.SendAsync(request);
            sending.Stop();
            statuses[response.Status] = statuses.GetValueOrDefault(response.Status) + 1;
            log?.WriteLine($"#{i} {request} → {response.Status} {Shorten(response.Body)}");
            checking.Start();
            var after = await target.Snapshots.TakeAsync();
            checking.Stop();
            if (target.RefusesDotSegments && FuzzOracle.HasDotSegment(request.Target) && response.Status < 400)
            {
                Record(findings, $"{request.Operation}: a dot segment in the path was served", $"#{i} {request} → {response.Status}");
            }
            if (FuzzOracle.Check(request, response) is { } wrong)
            {
                Record(findings, $"{request.Operation}: {wrong}", $"#{i} {request} → {response.Status} {Shorten(response.Body)}");
            }
            if (response.Status >= 400)
            {
                refused++;
                if (DatabaseSnapshots.Difference(before, after) is { } change)
                {
                    Record(findings, $"{request.Operation}: refused with {response.Status} but changed the database",
                        $"#{i} {request} → {Shorten(response.Body)}; changed: {change}");
                }
            }
            else
            {
                settling.Start();
                var (changed, rebuilt) = await target.SettleAsync();
                settling.Stop();
                if (rebuilt is not null)
                {
                    Record(target.RefusesDotSegments || !FuzzOracle.HasDotSegment(request.Target) ? findings : known,
                        $"{request.Operation}: a {response.Status} deleted the fixture experiment", $"#{i} {request}: {rebuilt}");
                }
                if (changed)
                {
                    after = await target.Snapshots.TakeAsync();
                }
            }
            before = after;
        }

        var report = new List<string>();
        report.Add(string.Create(CultureInfo.InvariantCulture,
            $"fuzz: {requests} requests (seed {seed}) over {operations.Count} operations in {clock.Elapsed.TotalSeconds:0.0} s " +
            $"({sending.Elapsed.TotalSeconds:0.0} s waiting for answers, {checking.Elapsed.TotalSeconds:0.0} s in snapshots, " +
            $"{settling.Elapsed.TotalSeconds:0.0} s settling after served requests); " +
            $"{refused} refused; statuses {string.Join(", ", statuses.Select(s => $"{s.Key}×{s.Value}"))}; {findings.Count} findings"));
        report.AddRange(findings.Take(MaxFindingsShown).Select(f => $"FINDING {f.Key} (×{f.Value.Count}), e.g. {f.Value.Example}"));
        report.AddRange(known.Select(f =>
            $"KNOWN (issue 11: dot segments are resolved before routing; refused once the path guard is in) {f.Key} (×{f.Value.Count}), e.g. {f.Value.Example}"));
        report.ForEach(output.WriteLine);
        if (Environment.GetEnvironmentVariable("MODERATION_FUZZ_REPORT") is { Length: > 0 } reportPath)
        {
            await File.WriteAllLinesAsync(reportPath, report);
        }
        Assert.True(findings.Count == 0, $"{findings.Count} kinds of wrong answers (seed {seed}):\n" +
            string.Join("\n", findings.Take(MaxFindingsShown).Select(f => $"- {f.Key} (×{f.Value.Count}), e.g. {f.Value.Example}")));
    }

    private static void Record(Dictionary<string, (int Count, string Example)> findings, string kind, string example) =>
        findings[kind] = findings.TryGetValue(kind, out var known) ? (known.Count + 1, known.Example) : (1, example);

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), CultureInfo.InvariantCulture, out var value) ? value : fallback;

    private static string Shorten(string text) => text.Length > 400 ? text[..400] + "…" : text;
}
