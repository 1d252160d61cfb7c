from django import forms


class ChoicesForm(forms.Form):
    mode = forms.ChoiceField(choices=[("ft", "Full-time"), ("pt", "Part-time")], widget=forms.RadioSelect,
                             help_text="How you will study.")
    topics = forms.MultipleChoiceField(choices=[("a", "Alpha"), ("b", "Beta")],
                                       widget=forms.CheckboxSelectMultiple, required=False)
    agree = forms.BooleanField(label="I agree")
    name = forms.CharField()


def test_radio_and_checkbox_groups_style_each_option_not_the_wrapper():
    html = str(ChoicesForm())
    assert '<div id="id_mode" class="choice-list">' in html
    assert '<input type="radio" name="mode" value="ft" class="form-check-input" required id="id_mode_0">' in html
    assert '<label class="form-check-label" for="id_mode_0">Full-time</label>' in html
    assert '<input type="checkbox" name="topics" value="b" class="form-check-input" id="id_topics_1">' in html
    assert '<legend class="form-label">Mode</legend>' in html
    assert 'aria-describedby="id_mode-hint"' in html  # on the fieldset


def test_errors_are_tied_to_their_field_and_summarised():
    form = ChoicesForm(data={"mode": "xx"})
    html = str(form)
    assert '<div class="error-summary" role="alert"' in html
    assert '<li><a href="#id_name">This field is required.</a></li>' in html
    assert 'aria-invalid="true" aria-describedby="id_name-error" class="form-control is-invalid"' in html
    assert '<p class="field-error" id="id_name-error"><span class="visually-hidden">Error:</span> ' in html
    assert 'class="form-check-input is-invalid" id="id_agree"' in html
