using System.Globalization;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace Moderation.ModeratorUi.Forms;

/// <summary>
/// A labelled form field: <c>&lt;ui-field form="ban" name="username" label="HF username" required /&gt;</c> renders the
/// label, an optional hint, the input (or textarea) with what was typed when the form was refused, and the API's errors
/// for that field (by its wire name), linked with <c>aria-describedby</c> and marked <c>aria-invalid</c>.
/// </summary>
[HtmlTargetElement("ui-field", TagStructure = TagStructure.WithoutEndTag)]
public sealed class FieldTagHelper : TagHelper
{
    [ViewContext, HtmlAttributeNotBound]
    public ViewContext ViewContext { get; set; } = null!;

    /// <summary>The form this field belongs to, as the page model names it when the API refuses it.</summary>
    public string Form { get; set; } = "";

    /// <summary>The input's name, which is also the API's field name in <c>errors</c>.</summary>
    public string Name { get; set; } = "";

    public string Label { get; set; } = "";
    public string Type { get; set; } = "text";
    public string? Value { get; set; }
    public string? Hint { get; set; }
    public bool Required { get; set; }
    public int? Maxlength { get; set; }
    public int? Rows { get; set; }
    public long? Min { get; set; }
    public long? Max { get; set; }
    public string? Autocomplete { get; set; }
    public string? Testid { get; set; }

    /// <summary>Another field name whose errors belong here too (an API that names the field differently).</summary>
    public string? ErrorsOf { get; set; }

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        var page = ConsolePageModel.Of(ViewContext);
        var id = FieldIds.For(Form, Name);
        var problem = page?.ProblemFor(Form);
        var errors = problem is null ? [] : problem.ErrorsFor(Name).Concat(ErrorsOf is null ? [] : problem.ErrorsFor(ErrorsOf)).ToList();
        var value = page?.Outcome?.Form == Form ? page.Typed(Form, Name) : Value;

        output.TagName = "div";
        output.TagMode = TagMode.StartTagAndEndTag;
        output.Attributes.SetAttribute("class", errors.Count > 0 ? "field has-error" : "field");

        var describedBy = new List<string>();
        var label = new TagBuilder("label");
        label.Attributes["for"] = id;
        label.InnerHtml.Append(Label);
        if (!Required)
        {
            label.InnerHtml.AppendHtml(" <span class=\"optional\">(optional)</span>");
        }
        output.Content.AppendHtml(label);
        if (Hint is not null)
        {
            var hint = new TagBuilder("p");
            hint.AddCssClass("hint");
            hint.Attributes["id"] = id + "-hint";
            hint.InnerHtml.Append(Hint);
            output.Content.AppendHtml(hint);
            describedBy.Add(id + "-hint");
        }
        if (errors.Count > 0)
        {
            describedBy.Add(id + "-error");
        }

        var input = new TagBuilder(Type == "textarea" ? "textarea" : "input");
        input.Attributes["id"] = id;
        input.Attributes["name"] = Name;
        if (Type == "textarea")
        {
            input.Attributes["rows"] = (Rows ?? 3).ToString(CultureInfo.InvariantCulture);
            input.InnerHtml.Append(value ?? "");
        }
        else
        {
            input.TagRenderMode = TagRenderMode.SelfClosing;
            input.Attributes["type"] = Type;
            if (value is not null)
            {
                input.Attributes["value"] = value;
            }
        }
        Set(input, "required", Required ? "required" : null);
        Set(input, "maxlength", Maxlength?.ToString(CultureInfo.InvariantCulture));
        Set(input, "min", Min?.ToString(CultureInfo.InvariantCulture));
        Set(input, "max", Max?.ToString(CultureInfo.InvariantCulture));
        Set(input, "autocomplete", Autocomplete);
        Set(input, "data-testid", Testid);
        Set(input, "aria-describedby", describedBy.Count > 0 ? string.Join(' ', describedBy) : null);
        Set(input, "aria-invalid", errors.Count > 0 ? "true" : null);
        output.Content.AppendHtml(input);

        if (errors.Count > 0)
        {
            var list = new TagBuilder("p");
            list.AddCssClass("field-error");
            list.Attributes["id"] = id + "-error";
            list.InnerHtml.Append(string.Join(" ", errors));
            output.Content.AppendHtml(list);
        }
    }

    private static void Set(TagBuilder tag, string name, string? value)
    {
        if (value is not null)
        {
            tag.Attributes[name] = value;
        }
    }
}
