namespace Moderation.AuthApi.Contributions;

/// <summary>
/// CenteredClip (Karimireddy et al., 2020) in one dimension: start at the median and repeatedly move the estimate by the
/// mean of the points' offsets, each clipped to at most <c>tau</c>. Points far away pull no harder than points at
/// distance <c>tau</c>, so a few outliers cannot drag the estimate the way they drag the mean. The demo on the tabs
/// page (<c>wwwroot/js/centered-clip.js</c>) runs the same iteration in two dimensions.
/// </summary>
public static class CenteredClip
{
    public static double Estimate(IReadOnlyList<double> points, double tau, int maxIterations = 100)
    {
        ArgumentOutOfRangeException.ThrowIfZero(points.Count);
        var sorted = points.Order().ToArray();
        var v = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
        for (var i = 0; i < maxIterations; i++)
        {
            var step = 0.0;
            foreach (var x in sorted)
            {
                step += Math.Clamp(x - v, -tau, tau);
            }
            step /= sorted.Length;
            v += step;
            if (Math.Abs(step) < 1e-9 * Math.Max(1, Math.Abs(v)))
            {
                break;
            }
        }
        return v;
    }
}
