from django.urls import path

from zoneops.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change_view, name="password_change"),
    path("tokens/", views.tokens_view, name="tokens"),
    path("tokens/manage/", views.token_manage_view, name="token_manage"),
    path("tokens/<int:pk>/revoke/", views.token_revoke_view, name="token_revoke"),
]
