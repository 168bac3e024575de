from services.kit.server import serve
from services.kit.settings import load_settings
from services.placements.app import PlacementsSettings, build_app

serve(load_settings(PlacementsSettings), build_app)
