from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("sign-in", views.sign_in, name="login"),
    path("sign-out", views.sign_out, name="logout"),
    path("signed-out", views.signed_out, name="signed_out"),
    path("keep-alive", views.keep_alive, name="keep_alive"),
]
