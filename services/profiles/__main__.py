from services.kit.server import serve
from services.kit.settings import load_settings
from services.profiles.app import ProfilesSettings, build_app

serve(load_settings(ProfilesSettings), build_app)
