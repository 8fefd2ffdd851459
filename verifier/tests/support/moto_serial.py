"""moto's server on a single thread, for the DynamoDB tests.

`moto_server` serves each request on its own thread and does not serialise conditional writes:
two `attribute_not_exists(PK)` puts on one item can both succeed, which real DynamoDB never
allows. Served one request at a time, every conditional write is atomic, as DynamoDB promises,
so the tests may rely on it. Usage: python3 moto_serial.py HOST PORT
"""

import logging
import sys

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import run_simple


def main() -> None:
    host, port = sys.argv[1], int(sys.argv[2])
    # One log line per request would bury the test output; failures still reach stderr.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    app = DomainDispatcherApplication(create_backend_app)
    # threaded=False: werkzeug's plain server handles one connection at a time, answering
    # HTTP/1.0 and closing it, so no request waits behind an idle keep-alive connection.
    run_simple(host, port, app, threaded=False, processes=1, use_reloader=False)


if __name__ == "__main__":
    main()
