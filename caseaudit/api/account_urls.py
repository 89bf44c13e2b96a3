from django.urls import path

from . import views

app_name = "api_tokens"

urlpatterns = [
    path("", views.tokens, name="index"),
    path("<int:pk>/revoke", views.revoke, name="revoke"),
    path("service", views.service_tokens, name="service_index"),
    path("service/<int:pk>/revoke", views.service_revoke, name="service_revoke"),
]
