from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render


@login_required
def home(request):
    if request.user.is_exporter:
        return redirect("exporter:list")
    if request.user.is_official:
        return redirect("office:queue")
    return render(request, "web/home.html")
