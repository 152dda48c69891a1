from django import template
from django.template.loader import render_to_string

register = template.Library()


@register.simple_tag(takes_context=True)
def profile_section(context, section):
    """Render a section supplied through producers.profile with its own context."""
    return render_to_string(
        section.template,
        {**context.flatten(), **section.context},
        request=context.get("request"),
    )
