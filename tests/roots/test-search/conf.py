extensions = ["sphinx_portfolio"]
bibtex_bibfiles = ["refs.bib"]
bibtex_default_style = "portfolio"
bibtex_tooltips = False
portfolio_owner = "Daize Dong"
html_theme = "sphinx_book_theme"
