"""The app uvicorn serves (`jingwang serve`): the store named by $JINGWANG_DB."""

from jingwang.api.app import create_app

app = create_app()
