"""Links in emails: always the site's configured address (settings.SITE_URL), never the host
of the request that happened to cause the email, since the worker sends it later."""

from django import template

from programs import emails

register = template.Library()


@register.simple_tag
def site_url(path: str = "") -> str:
    return emails.site_url(path)
