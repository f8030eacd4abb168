"""A confirmation step before a move that cannot be undone (delete a draft, withdraw an application, surrender a
licence, record a decision), without JavaScript: the first POST shows what will happen and asks again; only a POST carrying
`confirmed=yes` goes ahead. What the person typed on the first form (a reason) is carried along unchanged."""
from django.shortcuts import render

CONFIRMED = "confirmed"


def confirmed(request) -> bool:
    return request.POST.get(CONFIRMED) == "yes"


def confirmation_page(request, *, title: str, consequence: str, button: str, cancel_url: str):
    """The page asking once more; posts the same form back to the same address with `confirmed=yes`."""
    carried = [(name, value) for name, values in request.POST.lists() if name not in ("csrfmiddlewaretoken", CONFIRMED) for value in values]
    return render(
        request,
        "web/confirm.html",
        {"title": title, "consequence": consequence, "button": button, "cancel_url": cancel_url, "carried": carried, "action": request.path},
    )
