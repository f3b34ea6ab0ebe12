"""The goals resting on a governing document, as a section of the document page
(registered with dokument.sections from MalConfig.ready())."""

from mal.queries import mal_for_user


def mal_section(request, dokument) -> dict:
    """The goals that rest on the document and that the user may see (mal_for_user: adopted
    goals are public, drafts only for those who read the owner's internal material)."""
    mal = list(
        mal_for_user(request.user)
        .filter(dokument=dokument)
        .order_by("agare__ordning", "nummer", "titel")
    )
    return {"template": "mal/_dokument_section.html", "mal": mal}
