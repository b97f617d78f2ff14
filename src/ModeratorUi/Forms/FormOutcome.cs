using Moderation.Contracts.Client;

namespace Moderation.ModeratorUi.Forms;

/// <summary>A refused form post: which form, why, and what was typed (field name → value; several values joined by new lines).</summary>
public sealed record FormOutcome(string Form, ApiProblem Problem, Dictionary<string, string> Values);
