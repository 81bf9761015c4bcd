from app.factory import create_asgi_app

app = create_asgi_app()
