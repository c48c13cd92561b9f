"""The Mermaid source of a procedure: a lane per role, steps in order, safe labels."""

from __future__ import annotations

import dataclasses

from chalicelib.standard.catalogue import Catalogue
from chalicelib.standard.schema import Step
from sitegen.flowchart import flowchart_figure, flowchart_source, lanes, mermaid_text

from tests.site.conftest import PASPOR


def test_each_role_gets_one_lane_in_the_order_it_first_acts(catalogue: Catalogue) -> None:
    standard = catalogue.find("dinsospm-tarakan/pmbs")
    assert standard is not None
    source = flowchart_source(standard, catalogue.agency("dinsospm-tarakan"))
    assert lanes(standard) == ["pemohon", "petugas-penerima-pengaduan", "kepala-bidang-sosial", "pekerja-sosial"]
    assert source.count("subgraph ") == 4
    assert source.index('subgraph lajur1["Pemohon"]') < source.index('subgraph lajur2["Petugas Penerima Pengaduan"]')
    # The applicant's lane holds steps 1-4 and 8: a lane per role, not per step.
    lane = source.split('subgraph lajur1["Pemohon"]')[1].split("  end")[0]
    assert [f"langkah{n}[" in lane for n in range(1, 9)] == [True] * 4 + [False] * 3 + [True]
    assert [line.strip() for line in source.splitlines() if "-->" in line] == [
        f"langkah{n} --> langkah{n + 1}" for n in range(1, 8)
    ]
    assert "class lajur1 pemohon" in source


def test_labels_cannot_break_out_of_their_quotes(catalogue: Catalogue) -> None:
    assert mermaid_text('Isi "formulir" <A> #1\n baru') == "Isi #quot;formulir#quot; #lt;A#gt; #35;1 baru"
    standard = catalogue.find("dinsospm-tarakan/pmbs")
    assert standard is not None
    tricky = dataclasses.replace(standard, procedure=(Step("pemohon", 'Klik "Kirim"]; end'),))
    source = flowchart_source(tricky, catalogue.agency("dinsospm-tarakan"))
    assert 'langkah1["1. Klik #quot;Kirim#quot;]; end"]' in source


def test_the_source_is_a_script_data_block_that_no_stylesheet_can_show(catalogue: Catalogue) -> None:
    # A `hidden` <pre> was shown by the theme's `pre { display: ... }`: on screen, without JavaScript and on paper.
    standard = catalogue.find(PASPOR)
    assert standard is not None
    figure = flowchart_figure(standard, catalogue.agency(standard.agency_id))
    source = flowchart_source(standard, catalogue.agency(standard.agency_id))
    assert f'<script type="text/x-mermaid" class="alur__sumber">\n{source}\n</script>' in figure
    assert "<pre" not in figure
    assert " hidden" not in figure
    assert figure.startswith('<figure class="alur" style="min-height:26rem">')  # the space the drawing will take


def test_no_step_or_title_can_end_the_script_block_early(catalogue: Catalogue) -> None:
    standard = catalogue.find(PASPOR)
    assert standard is not None
    agency = catalogue.agency(standard.agency_id)
    tricky = dataclasses.replace(
        standard,
        title="Layanan </script><script>alert(1)</script>",
        procedure=(Step("pekerja-migran-indonesia", "Klik </script> <b>"),),
    )
    figure = flowchart_figure(tricky, agency)
    assert figure.count("</script>") == 1  # its own end only
    assert "<b>" not in figure
