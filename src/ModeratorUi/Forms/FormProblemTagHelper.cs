using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace Moderation.ModeratorUi.Forms;

/// <summary>
/// <c>&lt;form-problem form="ban" /&gt;</c>: the API's refusal of that form, in an alert beside it. Field errors are listed
/// too (each also appears under its own field), so a screen reader hears the whole answer at once.
/// <c>form="*"</c> (in the layouts, which run after the page) shows a refusal no form on the page showed — a row's form
/// whose row is gone since (the ban someone else lifted), so no refusal is ever lost.
/// </summary>
[HtmlTargetElement("form-problem", TagStructure = TagStructure.WithoutEndTag)]
public sealed class FormProblemTagHelper : TagHelper
{
    [ViewContext, HtmlAttributeNotBound]
    public ViewContext ViewContext { get; set; } = null!;

    private const string ShownKey = "form-problem-shown";

    public string Form { get; set; } = "";

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        var page = ConsolePageModel.Of(ViewContext);
        var items = ViewContext.HttpContext.Items;
        var form = Form == "*" && !items.ContainsKey(ShownKey) ? page?.Outcome?.Form : Form;
        var problem = form is null ? null : page?.ProblemFor(form);
        if (problem is null)
        {
            output.SuppressOutput();
            return;
        }
        items[ShownKey] = true;
        output.TagName = "div";
        output.TagMode = TagMode.StartTagAndEndTag;
        output.Attributes.SetAttribute("class", "alert alert-error");
        output.Attributes.SetAttribute("role", "alert");
        output.Attributes.SetAttribute("data-testid", "problem");
        output.Attributes.SetAttribute("data-form", form);
        var detail = new TagBuilder("p");
        detail.InnerHtml.Append(problem.Detail);
        output.Content.AppendHtml(detail);
        var fieldMessages = problem.Errors.SelectMany(e => e.Value).Where(m => !problem.Detail.Contains(m, StringComparison.Ordinal)).ToList();
        if (fieldMessages.Count > 0)
        {
            var list = new TagBuilder("ul");
            foreach (var message in fieldMessages)
            {
                var item = new TagBuilder("li");
                item.InnerHtml.Append(message);
                list.InnerHtml.AppendHtml(item);
            }
            output.Content.AppendHtml(list);
        }
    }
}
