using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Audit;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Identity;
using Moderation.AuthApi.Keys;
using Moderation.Contracts.Experiments;
using Moderation.Contracts.Json;

namespace Moderation.AuthApi.Experiments;

public enum ExperimentOutcome
{
    Done,

    /// <summary>Nothing differed: nothing was written.</summary>
    Unchanged,

    /// <summary>The caller may not create (or move an experiment) in that organization.</summary>
    NotAdminOfOrganization,

    /// <summary>Another experiment has that name.</summary>
    NameTaken,

    /// <summary>The change adds a checkpoint repository outside the experiment's organization, which only a global admin may allow.</summary>
    RepositoryNeedsGlobalAdmin,

    /// <summary>The caller is banned from every experiment, which leaves them no power to create one.</summary>
    CallerBanned,
}
