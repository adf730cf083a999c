from django import forms

from zhaoshang.common.forms import StyledFormMixin
from zhaoshang.reference.models import KeyIndustry

from . import ranking
from .models import Chain, Link


class ChainForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Chain
        fields = [
            "name",
            "key_industry",
            "description",
            "sort_order",
            "empty_at_most",
            "strengthen_below",
            "strengthen_revenue_below",
            "build_below_links",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key_industry"].queryset = KeyIndustry.objects.all()


class CopyForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label="新产业链名称", max_length=50)


class LinkForm(StyledFormMixin, forms.ModelForm):
    industry_codes = forms.CharField(
        label="对应国民经济行业代码",
        required=False,
        help_text="GB/T 4754-2017 两位大类代码，如“27、35”；填门类字母（如 C）表示该门类全部大类",
    )

    class Meta:
        model = Link
        fields = [
            "name",
            "parent",
            "position",
            "industry_codes",
            "keywords",
            "key_industry",
            "sort_order",
        ]

    def __init__(self, *args, chain, **kwargs):
        super().__init__(*args, **kwargs)
        # Every chain's links are offered, named with their chain: the service says
        # clearly why a link of another chain cannot be the parent.
        self.fields["parent"].queryset = Link.objects.select_related("chain").order_by(
            "chain__sort_order", "chain_id", "sort_order", "pk"
        )
        self.fields["parent"].label_from_instance = lambda link: (
            link.name if link.chain_id == chain.pk else f"{link.chain.name}·{link.name}"
        )
        self.fields["key_industry"].queryset = KeyIndustry.objects.all()
        if self.instance.pk and not self.is_bound:
            self.initial["industry_codes"] = "、".join(
                self.instance.industries.values_list("code", flat=True)
            )

    def link_data(self):
        return {k: v for k, v in self.cleaned_data.items() if k != "industry_codes"}


class PlacementForm(StyledFormMixin, forms.Form):
    enterprise = forms.CharField(
        label="本地企业", max_length=200, help_text="企业全称或统一社会信用代码"
    )
    note = forms.CharField(label="说明", max_length=100, required=False)


class WeightsForm(StyledFormMixin, forms.Form):
    """One integer per reason, tag and headquarters region (``ranking.weights``)."""

    def __init__(self, *args, current, tags, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.keys = []
        rows = [(k, label) for k, label, _ in ranking.WEIGHTS]
        rows += [(f"tag:{t}", f"标签：{t}") for t in tags]
        rows += [(f"area:{code}", f"总部位于{name}") for code, name in areas]
        for i, (key, label) in enumerate(rows):
            name = f"w{i}"
            self.fields[name] = forms.IntegerField(
                label=label, initial=current.get(key, 0), min_value=-100, max_value=100
            )
            self.keys.append((name, key))

    def weights(self):
        return {key: self.cleaned_data[name] for name, key in self.keys}
