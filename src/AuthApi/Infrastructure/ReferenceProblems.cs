using System.Globalization;
using Moderation.AuthApi.Authorization;

namespace Moderation.AuthApi.Infrastructure;

/// <summary>One refused input of a reference endpoint, as FastAPI names it: where (<c>["body", "new_experiment", "model_name"]</c>), what, which kind.</summary>
public sealed record ReferenceFieldError(IReadOnlyList<object> Loc, string Msg, string Type);

/// <summary>
/// The 422 of the reference server's endpoints keeps FastAPI's shape — <c>detail</c> is a list of <c>{loc, msg, type}</c>,
/// which its clients iterate — inside a ProblemDetails body (status and title), like every other refusal here.
/// </summary>
public static class ReferenceProblems
{
    /// <summary>pydantic's names for the kinds of refusal.</summary>
    public const string Missing = "value_error.missing";
    public const string NotAnInteger = "type_error.integer";
    public const string NotGreaterOrEqual = "value_error.number.not_ge";
    public const string InvalidJson = "value_error.jsondecode";
    public const string WrongType = "type_error";
    public const string InvalidValue = "value_error";

    /// <summary>
    /// Whether the request's endpoint is one of the reference server's (its access rule says so); in an exception handler,
    /// the endpoint the exception came from (the middleware has cleared the request's own by then).
    /// </summary>
    public static bool IsReference(HttpContext http) =>
        (http.GetEndpoint() ?? http.Features.Get<Microsoft.AspNetCore.Diagnostics.IExceptionHandlerFeature>()?.Endpoint)
        ?.Metadata.GetMetadata<AccessRule>()?.Reference == true;

    public static IResult Unprocessable(HttpContext http, params ReferenceFieldError[] errors) =>
        TypedResults.Json(Body(http, errors), statusCode: StatusCodes.Status422UnprocessableEntity, contentType: "application/problem+json");

    public static Task WriteAsync(HttpContext http, params ReferenceFieldError[] errors)
    {
        http.Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return http.Response.WriteAsJsonAsync(Body(http, errors), (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json");
    }

    /// <summary>A place in the JSON body, from a path such as <c>$.new_experiment.coordinator_port</c> or <c>new_experiment.model_name</c>.</summary>
    public static IReadOnlyList<object> InBody(string? path)
    {
        var loc = new List<object> { "body" };
        foreach (var part in (path ?? "").TrimStart('$').Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var bracket = part.IndexOf('[', StringComparison.Ordinal);
            loc.Add(bracket < 0 ? part : part[..bracket]);
            if (bracket >= 0 && int.TryParse(part[(bracket + 1)..].TrimEnd(']'), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                loc.Add(index);
            }
        }
        return loc;
    }

    private static Dictionary<string, object?> Body(HttpContext http, ReferenceFieldError[] errors) => new()
    {
        ["type"] = "https://tools.ietf.org/html/rfc4918#section-11.2",
        ["title"] = "The request is not valid",
        ["status"] = StatusCodes.Status422UnprocessableEntity,
        ["detail"] = errors.Select(e => new Dictionary<string, object> { ["loc"] = e.Loc, ["msg"] = e.Msg, ["type"] = e.Type }).ToList(),
        ["instance"] = http.Request.Path.Value,
        ["trace_id"] = http.TraceIdentifier,
    };
}
