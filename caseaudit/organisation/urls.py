from django.urls import path

from .views import children

app_name = "organisation"

urlpatterns = [
    path("", children.index, name="child_index"),
    path("<int:pk>/", children.show, name="child_show"),
]
