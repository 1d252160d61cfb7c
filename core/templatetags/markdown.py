from django import template

from core.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    """{{ module.description|markdown }}: sanitised HTML (see core/markdown.py)."""
    return render_markdown(text)
