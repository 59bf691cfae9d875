"""Python's h2 (python3-h2) as a judge of HTTP/2 field sections, for FieldsPythonPeerTest.

Reads one case a line from stdin: 'request', 'response' or 'trailers', then the fields as name:value in hex, separated
by spaces. Prints one line a case: 'ok' if h2's validation of received headers accepts the fields, else 'refused' and
h2's message.
"""
import sys

import h2.exceptions
import h2.utilities

FLAGS = {
    # A server receiving a request, a client receiving a response, either receiving trailers.
    'request': h2.utilities.HeaderValidationFlags(is_client=False, is_trailer=False, is_response_header=False,
                                                  is_push_promise=False),
    'response': h2.utilities.HeaderValidationFlags(is_client=True, is_trailer=False, is_response_header=True,
                                                   is_push_promise=False),
    'trailers': h2.utilities.HeaderValidationFlags(is_client=False, is_trailer=True, is_response_header=False,
                                                   is_push_promise=False),
}


def main():
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        fields = []
        for word in words[1:]:
            name, value = word.split(':')
            fields.append((bytes.fromhex(name), bytes.fromhex(value)))
        try:
            list(h2.utilities.validate_headers(fields, FLAGS[words[0]]))
            print('ok')
        except h2.exceptions.ProtocolError as e:
            print('refused ' + str(e).replace('\n', ' '))
        sys.stdout.flush()


if __name__ == '__main__':
    main()
