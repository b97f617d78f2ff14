using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Moderation.AuthApi.Data;

/// <summary>
/// The one way hand-written SQL names tables and columns: from the EF model (see <see cref="SqlTable{T}"/>). A hot path
/// keeps its statements in a class built once per model (<see cref="Statements{T}"/>), so each SQL string is composed
/// once, not per call.
/// </summary>
public sealed class SqlNames(IModel model)
{
    public SqlTable<T> Table<T>() where T : class => new(model);

    /// <summary>The statements of <typeparamref name="T"/> for <paramref name="model"/>, built on first use and kept.</summary>
    public static T Statements<T>(IModel model) where T : class, ISqlStatements<T> =>
        Cache<T>.ByModel.GetValue(model, m => T.Build(new SqlNames(m)));

    /// <summary>A PostgreSQL identifier in double quotes (a quote in it doubled), so keywords and letter case are safe.</summary>
    public static string Quote(string identifier) => '"' + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + '"';

    private static class Cache<T> where T : class
    {
        public static readonly ConditionalWeakTable<IModel, T> ByModel = [];
    }
}

/// <summary>A set of SQL statements composed once from the model's names (<see cref="SqlNames.Statements{T}"/>).</summary>
public interface ISqlStatements<out TSelf> where TSelf : class
{
    static abstract TSelf Build(SqlNames names);
}
