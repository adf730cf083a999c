from django import forms

from zhaoshang.org.forms import VersionedForm

from .models import UnitWebhook


class WebhookForm(VersionedForm):
    url = forms.URLField(label="Webhook 地址", max_length=500, assume_scheme="https")

    class Meta:
        model = UnitWebhook
        fields = ["department", "kind", "name", "url", "secret", "enabled"]
        widgets = {"secret": forms.PasswordInput(render_value=True)}

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        # Only units in the user's own scope can be given a robot.
        self.fields["department"].queryset = units
        self.fields["kind"].choices = UnitWebhook.Kind.choices  # no empty "---------"

    def service_data(self):
        return {f: self.cleaned_data[f] for f in self.Meta.fields}
