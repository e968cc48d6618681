from django.contrib.auth import views as auth_views
from django.urls import path

from rectify.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("two-factor/", views.two_factor, name="two_factor"),
    path("profile/", views.profile, name="profile"),
    path("profile/tokens/", views.token_create, name="token_create"),
    path("profile/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("password/", views.password_change, name="password_change"),
]

# The sysadmin's account management lives outside /accounts/ so that the two-factor gate
# (which leaves /accounts/ open for signing in) covers it.
admin_urlpatterns = [
    path("", views.user_list, name="user_list"),
    path("new/", views.user_create, name="user_create"),
    path("<int:pk>/", views.user_edit, name="user_edit"),
    path("<int:pk>/unlock/", views.user_unlock, name="user_unlock"),
]
