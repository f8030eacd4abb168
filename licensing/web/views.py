from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render


@login_required
def home(request):
    if request.user.is_exporter:
        return redirect("exporter:list")
    return render(request, "web/home.html")
