from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from rectify.accounts.models import User
from rectify.accounts.roles import Role
from rectify.orgs.models import Org


class LoginForm(AuthenticationForm):
    # One message for unknown users and wrong passwords alike.
    error_messages = {
        "invalid_login": _("The user name or password is wrong."),
        "inactive": _("The user name or password is wrong."),
    }


class TotpForm(forms.Form):
    token = forms.RegexField(
        label=_("Six-digit code"),
        regex=r"^\d{6}$",
        error_messages={"invalid": _("Enter the six digits shown by your authenticator app.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class UserCreateForm(forms.Form):
    username = forms.RegexField(label=_("User name"), regex=r"^[A-Za-z0-9_.-]{3,50}$")
    display_name = forms.CharField(label=_("Display name"), max_length=50)
    org = forms.ModelChoiceField(label=_("Organisation"), queryset=Org.objects.all())
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    password = forms.CharField(label=_("Initial password"), widget=forms.PasswordInput)


class UserEditForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = User
        fields = ["display_name", "email", "phone", "org", "role", "is_active"]


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100)
