namespace Moderation.AuthApi.Infrastructure;

/// <summary>The ProblemDetails results handlers return, so every refusal reads the same way.</summary>
public static class Problems
{
    public static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found");

    public static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult Forbidden(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");

    public static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict");

    public static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult BadRequest(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Bad request");

    /// <summary>A 400 when <paramref name="username"/> cannot be a Hugging Face name (checked before asking the Hub), else null.</summary>
    public static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult? InvalidUsername(string? username) =>
        Moderation.Contracts.Validation.HfNames.IsValid(username) ? null : BadRequest($"'username' {Moderation.Contracts.Validation.HfNames.Rule}.");

    public static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult UnknownUser(string? username) =>
        TypedResults.Problem($"There is no Hugging Face user named '{username}'.", statusCode: StatusCodes.Status422UnprocessableEntity, title: "Unknown user");

    /// <summary>The reference server answers every refusal with 401 and a <c>detail</c>; its clients treat 401 as final.</summary>
    public static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult ReferenceRefusal(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized");
}
