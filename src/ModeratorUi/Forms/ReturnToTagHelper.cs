using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace Moderation.ModeratorUi.Forms;

/// <summary>
/// Adds the page's own address (path and query) to every POST form, so the action redirects back to exactly the view
/// the person was looking at (the same page of a list, the same filter).
/// </summary>
[HtmlTargetElement("form", Attributes = "method")]
public sealed class ReturnToTagHelper : TagHelper
{
    [ViewContext, HtmlAttributeNotBound]
    public ViewContext ViewContext { get; set; } = null!;

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        if (!string.Equals(output.Attributes["method"]?.Value?.ToString(), "post", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }
        var request = ViewContext.HttpContext.Request;
        var input = new TagBuilder("input") { TagRenderMode = TagRenderMode.SelfClosing };
        input.Attributes["type"] = "hidden";
        input.Attributes["name"] = ConsolePageModel.ReturnField;
        input.Attributes["value"] = request.Path + request.QueryString;
        output.PostContent.AppendHtml(input);
    }
}
