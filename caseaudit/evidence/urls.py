from django.urls import path

from .views import packs

app_name = "evidence"

urlpatterns = [
    path("", packs.index, name="index"),
    path("new", packs.new, name="new"),
    path("<int:pk>/", packs.show, name="show"),
    path("<int:pk>/download/<str:kind>", packs.download, name="download"),
]
