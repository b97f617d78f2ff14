using System.Linq.Expressions;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Moderation.AuthApi.Data;

/// <summary>
/// The table of entity <typeparamref name="T"/> and its columns as the EF model maps them, quoted for SQL written by hand
/// (the hot paths' Npgsql statements). A property is named by an expression, so renaming it breaks the build, and a
/// column renamed in the EF configuration changes the SQL with it. Interpolate it where the table goes:
/// <c>$"SELECT {r[x => x.Id]} FROM {r}"</c>.
/// </summary>
public sealed class SqlTable<T> where T : class
{
    private readonly IEntityType _entity;
    private readonly StoreObjectIdentifier _store;

    internal SqlTable(IModel model)
    {
        _entity = model.FindEntityType(typeof(T))
                  ?? throw new InvalidOperationException($"{typeof(T).Name} is not an entity type of the model: it has no table.");
        var table = _entity.GetTableName()
                    ?? throw new InvalidOperationException($"{typeof(T).Name} is not mapped to a table.");
        var schema = _entity.GetSchema();
        _store = StoreObjectIdentifier.Table(table, schema);
        Name = schema is null ? SqlNames.Quote(table) : $"{SqlNames.Quote(schema)}.{SqlNames.Quote(table)}";
    }

    /// <summary>The quoted table name, with its schema when it has one.</summary>
    public string Name { get; }

    /// <summary>The quoted column that <paramref name="property"/> (<c>x => x.Property</c>) is mapped to.</summary>
    /// <exception cref="InvalidOperationException">The expression is not a property of <typeparamref name="T"/> that the model maps to a column of this table.</exception>
    public string this[Expression<Func<T, object?>> property] => SqlNames.Quote(ColumnName(property));

    /// <summary>Quoted columns, comma-separated in the order given (for column lists).</summary>
    public string Columns(params Expression<Func<T, object?>>[] properties) => string.Join(", ", properties.Select(p => this[p]));

    public override string ToString() => Name;

    private string ColumnName(Expression<Func<T, object?>> expression)
    {
        var body = expression.Body is UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.ConvertChecked } convert
            ? convert.Operand
            : expression.Body;
        if (body is not MemberExpression { Member: PropertyInfo member } access || access.Expression != expression.Parameters[0])
        {
            throw new ArgumentException($"'{expression}' does not name a property of {typeof(T).Name}: write x => x.Property.", nameof(expression));
        }
        var property = _entity.FindProperty(member)
                       ?? throw new InvalidOperationException($"{typeof(T).Name}.{member.Name} is not mapped by the model: it has no column.");
        return property.GetColumnName(_store)
               ?? throw new InvalidOperationException($"{typeof(T).Name}.{member.Name} has no column in table {Name}.");
    }
}
