extensions = ["sphinx_portfolio"]
author = "Daize Dong"
bibtex_bibfiles = ["refs.bib"]
bibtex_default_style = "portfolio"
bibtex_tooltips = False
portfolio_owner = "Daize Dong"
html_baseurl = "https://example.org/site/"
portfolio_cv_doc = "cv"
