using Xunit.Abstractions;
using Xunit.Sdk;

namespace Moderation.Tests.Replicas;

/// <summary>Runs a class's tests in the order of their <see cref="StepAttribute"/>: the later steps kill things.</summary>
public sealed class StepOrderer : ITestCaseOrderer
{
    public const string Name = "Moderation.Tests.Replicas.StepOrderer";
    public const string Assembly = "Moderation.Tests";

    public IEnumerable<TTestCase> OrderTestCases<TTestCase>(IEnumerable<TTestCase> testCases) where TTestCase : ITestCase =>
        testCases.OrderBy(t => t.TestMethod.Method.GetCustomAttributes(typeof(StepAttribute).AssemblyQualifiedName)
            .Select(a => a.GetNamedArgument<int>(nameof(StepAttribute.Order))).FirstOrDefault());
}

[AttributeUsage(AttributeTargets.Method)]
public sealed class StepAttribute : Attribute
{
    public int Order { get; set; }
}
