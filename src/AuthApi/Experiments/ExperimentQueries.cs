using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Data;

namespace Moderation.AuthApi.Experiments;

public static class ExperimentQueries
{
    /// <summary>The experiment named <c>org/model</c>, with its members (roles depend on them).</summary>
    public static Task<Experiment?> FindByNameAsync(this ModerationDb db, string org, string model, CancellationToken ct) =>
        db.Experiments.Include(e => e.Members)
            .FirstOrDefaultAsync(e => e.OrganizationName == org && e.ModelName == model, ct);

    public static Task<Experiment?> FindByIdAsync(this ModerationDb db, int id, CancellationToken ct) =>
        db.Experiments.Include(e => e.Members).FirstOrDefaultAsync(e => e.Id == id, ct);
}
