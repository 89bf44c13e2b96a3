from django.contrib.auth.decorators import login_not_required
from django.urls import path

from . import email_preferences, oidc, two_factor_views, views

app_name = "accounts"

urlpatterns = [
    path("sign-in", views.sign_in, name="login"),
    # Sign-in with the council's own account (issue 30): 404 unless CASEAUDIT_OIDC_DISCOVERY_URL is set.
    path("sign-in/council-account", login_not_required(oidc.sign_in_start), name="oidc_start"),
    path("sign-in/council-account/callback", login_not_required(oidc.sign_in_callback), name="oidc_callback"),
    path("sign-out", views.sign_out, name="logout"),
    path("signed-out", views.signed_out, name="signed_out"),
    path("keep-alive", views.keep_alive, name="keep_alive"),
    path("kept/<int:pk>", views.held_form, name="held_form"),
    path("", two_factor_views.account, name="account"),
    path("emails", email_preferences.email_preferences, name="email_preferences"),
    path("two-step", two_factor_views.otp_verify, name="otp_verify"),
    path("two-step/set-up", two_factor_views.otp_setup, name="otp_setup"),
    path("two-step/recovery-codes", two_factor_views.recovery_codes, name="recovery_codes"),
    path("two-step/turn-off", two_factor_views.otp_turn_off, name="otp_turn_off"),
    path("sign-out-everywhere", two_factor_views.sign_out_everywhere, name="sign_out_everywhere"),
]
