from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def manage_home(request):
    return render(request, "ncp/manage_home.html", {})
