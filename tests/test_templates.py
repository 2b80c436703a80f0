"""Template files: variants, the sandbox, and errors that name the file and line."""

import shutil
from pathlib import Path

import pytest

from host.errors import TemplateError
from host.script.template_writer import TemplateWriter


def replace_file(folder: Path, lang: str, kind: str, text: str) -> Path:
    path = folder / lang / f"{kind}.j2"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "attack",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ title.__class__.__init__.__globals__ }}",
        "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
        "{{ lipsum.__globals__['os'] }}",
    ],
)
def test_sandbox_refuses_escapes_with_file_and_line(templates: Path, attack: str) -> None:
    replace_file(templates, "en", "intro", f"Hello {{{{ title }}}}.\n---\nFine.\n{attack}\n")
    with pytest.raises(TemplateError) as caught:
        TemplateWriter(templates)
    message = str(caught.value)
    assert "en/intro.j2:4" in message
    assert "sandbox" in message or "undefined" in message


def test_syntax_error_names_file_and_line(templates: Path) -> None:
    replace_file(templates, "fr", "deal", "Promo {{ sale_price }}.\n---\n\nOups {% if %}\n")
    with pytest.raises(TemplateError, match=r"fr/deal\.j2:4: template syntax error"):
        TemplateWriter(templates)


def test_unknown_name_is_refused_at_load_not_on_air(templates: Path) -> None:
    replace_file(templates, "en", "price", "It costs {{ pricee }}.\n")
    with pytest.raises(TemplateError, match=r"en/price\.j2:1: 'pricee' is undefined"):
        TemplateWriter(templates)


def test_number_written_into_a_template_is_refused(templates: Path) -> None:
    replace_file(templates, "en", "deal", "Only 9.99 today instead of {{ price }}!\n")
    with pytest.raises(TemplateError, match=r"en/deal\.j2:1: states a number"):
        TemplateWriter(templates)


def test_missing_kind_names_the_expected_file(templates: Path) -> None:
    (templates / "fr" / "urgency.j2").unlink()
    with pytest.raises(TemplateError, match=r"fr/urgency\.j2: missing template"):
        TemplateWriter(templates)


def test_missing_folder_and_unknown_language(tmp_path: Path, templates: Path) -> None:
    with pytest.raises(TemplateError, match="template folder not found"):
        TemplateWriter(tmp_path / "nowhere")
    writer = TemplateWriter(templates)
    with pytest.raises(ValueError, match="de"):
        writer.lines(None, "greeting", "de")


def test_language_folder_without_number_rules_is_refused(templates: Path) -> None:
    (templates / "en").rename(templates / "es")
    with pytest.raises(TemplateError, match="scripts_templates/es: no number and money rules"):
        TemplateWriter(templates)


def test_language_without_templates_is_refused(templates: Path) -> None:
    shutil.rmtree(templates / "en")  # its pitch templates and the answers under it
    writer = TemplateWriter(templates)
    with pytest.raises(TemplateError, match="no templates for language 'en'"):
        writer.lines(None, "greeting", "en")


def test_variant_separator_and_line_numbers(templates: Path) -> None:
    replace_file(templates, "en", "greeting", "First hello.\n---\nSecond\nhello.\n---\n\n")
    writer = TemplateWriter(templates, seed=0)
    said = {writer.lines(None, "greeting", "en")[0].source for _ in range(6)}
    assert {s.rsplit(":", 1)[1] for s in said} == {"1", "3"}
    texts = {writer.lines(None, "greeting", "en")[0].text for _ in range(4)}
    assert texts == {"First hello.", "Second hello."}
