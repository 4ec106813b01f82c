"""The dashboard's shared code, one module per job; the page files beside this folder use it.

- `text`: names and wording shared by every page
- `sources`: the built-in and uploaded series, parsed and cached once
- `sidebar`: the settings sidebar and what it reads into a `Settings`
- `workspace`: the run database and the workspace named in the URL
- `runs`: the session's runs: recording, showing, recovering an interrupted one
- `engine`: the training worker processes this server uses (see `seqcore.pool`)
- `live`: a training shown live, with its progress bar and loss chart
- `charts`: every Plotly figure
- `serve`: `make run`'s entry: starts the workers, then Streamlit
"""
