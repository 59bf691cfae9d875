"""Python's hpack (python3-h2) as a peer of Wisp's HPACK codec, for HpackPythonPeerTest.

decode: reads stdin, where a line 'story' starts a new decoder and every other line is a header block in hex;
        prints 'story' for each story and, for each block, one line of its fields as name:value in hex,
        separated by spaces.
encode DIR: encodes every story of the hpack-test-case raw-data folder DIR with a new encoder per story;
        prints 'story NAME' for each and one line of hex for each block.
"""
import json
import os
import sys

from hpack import Decoder, Encoder


def decode():
    decoder = None
    for line in sys.stdin:
        line = line.strip()
        if line == 'story':
            decoder = Decoder(max_header_list_size=1 << 20)
            print('story')
            continue
        fields = decoder.decode(bytes.fromhex(line), raw=True)
        print(' '.join(name.hex() + ':' + value.hex() for name, value in fields))


def encode(directory):
    for name in sorted(os.listdir(directory)):
        if not name.endswith('.json'):
            continue
        with open(os.path.join(directory, name), encoding='utf-8') as file:
            story = json.load(file)
        encoder = Encoder()
        print('story ' + name)
        for case in story['cases']:
            headers = [(key, value) for header in case['headers'] for key, value in header.items()]
            print(encoder.encode(headers).hex())


if __name__ == '__main__':
    if sys.argv[1] == 'decode':
        decode()
    else:
        encode(sys.argv[2])
