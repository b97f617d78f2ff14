using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Identity;
using Moderation.Contracts.Json;
using Npgsql;

namespace Moderation.AuthApi.Infrastructure;

/// <summary>
/// Maps the few exceptions that mean something to a client onto ProblemDetails. Anything else is a 500 whose body
/// says nothing about the exception.
/// </summary>
public sealed class DomainExceptionHandler(
    IProblemDetailsService problems, Microsoft.Extensions.Options.IOptions<HfOptions> hf, ILogger<DomainExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is BadHttpRequestException { StatusCode: 400 or 415 } bad && ReferenceProblems.IsReference(httpContext))
        {
            // FastAPI answers a body it cannot read with its 422, never a 400.
            await ReferenceProblems.WriteAsync(httpContext, ReferenceError(bad));
            return true;
        }
        var (status, title, detail, retryAfter) = Classify(exception) switch
        {
            HfUnavailableException e => (503, "Hugging Face is unavailable", e.Message + " Try again shortly.", (int?)hf.Value.RetryAfterSeconds),
            TooManyLookupsException e => (429, "Too many requests", $"{e.Message} Try again in {e.RetryAfterSeconds} s.", e.RetryAfterSeconds),
            // Not the client going away (that needs no answer): work this instance will not finish, such as a join that
            // arrives while it shuts down. Another replica, or this one restarted, will do it.
            OperationCanceledException when !httpContext.RequestAborted.IsCancellationRequested =>
                (503, "Service unavailable", "This instance is stopping or gave up on the work. Try again shortly.", 1),
            BadHttpRequestException e => (e.StatusCode, "Bad request", Describe(e), null),
            DbUpdateException { InnerException: PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } } =>
                (409, "Conflict", "That already exists.", null),
            DbUpdateConcurrencyException => (409, "Conflict", "It was changed by someone else meanwhile; reload and try again.", null),
            NpgsqlException { IsTransient: true } or TimeoutException =>
                (503, "Database unavailable", "The database is unavailable. Try again shortly.", 5),
            _ => (0, "", "", null),
        };
        if (status == 0)
        {
            return false;
        }
        if (status >= 500)
        {
            logger.LogWarning(exception, "{Title}", title);
        }

        httpContext.Response.StatusCode = status;
        if (retryAfter is { } seconds)
        {
            httpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }

    /// <summary>The exception that decides the answer: EF Core and the pool wrap database failures in other exceptions.</summary>
    private static Exception Classify(Exception exception)
    {
        if (exception is DbUpdateException { InnerException: PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } })
        {
            return exception;
        }
        return DatabaseErrors.Transient(exception) ?? exception;
    }

    private static ReferenceFieldError ReferenceError(BadHttpRequestException exception) => exception.InnerException switch
    {
        UnsafeTextException { Path: { } path } e => new(ReferenceProblems.InBody(path), e.Message, ReferenceProblems.InvalidValue),
        // The reader's own errors (not JSON at all) come wrapped; a value of the wrong type does not.
        JsonException { InnerException: JsonException } => new(["body"], "the body is not valid JSON", ReferenceProblems.InvalidJson),
        JsonException { Path: { } path and not "$" } => new(ReferenceProblems.InBody(path), "value is not of the expected type", ReferenceProblems.WrongType),
        JsonException => new(["body"], "the body is not valid JSON", ReferenceProblems.InvalidJson),
        _ => new(["body"], "field required", ReferenceProblems.Missing),
    };

    // The binder's message names the parameter; the JSON reader's names the path of the offending field.
    private static string Describe(BadHttpRequestException exception) => exception.InnerException switch
    {
        UnsafeTextException { Path: { } path } e => $"'{path}': {e.Message}",
        JsonException { Path: { } path } => $"The request body is not valid JSON for this endpoint at '{path}'.",
        JsonException => "The request body is not valid JSON.",
        _ => exception.Message,
    };
}
