package dev.wisp.cli;

import dev.wisp.tls.internal.DerException;
import dev.wisp.tls.internal.DerReader;
import dev.wisp.tls.internal.PemWriter;
import java.math.BigInteger;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.DSAPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A server's certificate chain as curl 7.88 built with OpenSSL writes it for {@code -w %{certs}}: for each
 * certificate, in the order the server sent them, {@code Name:value} lines (subject and issuer as OpenSSL's one-line
 * form, version, serial number, algorithms, each extension, dates, an RSA or DSA key's numbers, the signature) and
 * the certificate in PEM.
 *
 * <p>OpenSSL writes each extension with a printer of its own. The common ones are written as it writes them: the
 * subject and issuer alternative names, basic constraints, key usage, extended key usage, the key identifiers and
 * authority information access. Any other extension is written as OpenSSL writes one it has no printer for: its
 * bytes, with those that are not printable ASCII as dots.
 */
final class CertificateText {
    /** OpenSSL's short names of the attributes of a distinguished name. */
    private static final Map<String, String> ATTRIBUTES = Map.ofEntries(Map.entry("2.5.4.3", "CN"),
            Map.entry("2.5.4.6", "C"), Map.entry("2.5.4.7", "L"), Map.entry("2.5.4.8", "ST"),
            Map.entry("2.5.4.10", "O"), Map.entry("2.5.4.11", "OU"), Map.entry("2.5.4.5", "serialNumber"),
            Map.entry("2.5.4.9", "street"), Map.entry("2.5.4.17", "postalCode"), Map.entry("2.5.4.4", "SN"),
            Map.entry("2.5.4.42", "GN"), Map.entry("2.5.4.12", "title"), Map.entry("2.5.4.15", "businessCategory"),
            Map.entry("2.5.4.97", "organizationIdentifier"), Map.entry("0.9.2342.19200300.100.1.25", "DC"),
            Map.entry("0.9.2342.19200300.100.1.1", "UID"), Map.entry("1.2.840.113549.1.9.1", "emailAddress"),
            Map.entry("1.3.6.1.4.1.311.60.2.1.1", "jurisdictionL"),
            Map.entry("1.3.6.1.4.1.311.60.2.1.2", "jurisdictionST"),
            Map.entry("1.3.6.1.4.1.311.60.2.1.3", "jurisdictionC"));
    /** OpenSSL's long names of algorithms, extensions and extended key usages. */
    private static final Map<String, String> OBJECTS = Map.ofEntries(
            Map.entry("1.2.840.113549.1.1.1", "rsaEncryption"), Map.entry("1.2.840.10045.2.1", "id-ecPublicKey"),
            Map.entry("1.3.101.112", "ED25519"), Map.entry("1.3.101.113", "ED448"),
            Map.entry("1.2.840.10040.4.1", "dsaEncryption"), Map.entry("1.2.840.113549.1.1.10", "rsassaPss"),
            Map.entry("1.2.840.113549.1.1.5", "sha1WithRSAEncryption"),
            Map.entry("1.2.840.113549.1.1.14", "sha224WithRSAEncryption"),
            Map.entry("1.2.840.113549.1.1.11", "sha256WithRSAEncryption"),
            Map.entry("1.2.840.113549.1.1.12", "sha384WithRSAEncryption"),
            Map.entry("1.2.840.113549.1.1.13", "sha512WithRSAEncryption"),
            Map.entry("1.2.840.10045.4.1", "ecdsa-with-SHA1"), Map.entry("1.2.840.10045.4.3.1", "ecdsa-with-SHA224"),
            Map.entry("1.2.840.10045.4.3.2", "ecdsa-with-SHA256"),
            Map.entry("1.2.840.10045.4.3.3", "ecdsa-with-SHA384"),
            Map.entry("1.2.840.10045.4.3.4", "ecdsa-with-SHA512"), Map.entry("1.2.840.10040.4.3", "dsaWithSHA1"),
            Map.entry("2.16.840.1.101.3.4.3.2", "dsa_with_SHA256"),
            Map.entry("2.5.29.14", "X509v3 Subject Key Identifier"), Map.entry("2.5.29.15", "X509v3 Key Usage"),
            Map.entry("2.5.29.17", "X509v3 Subject Alternative Name"),
            Map.entry("2.5.29.18", "X509v3 Issuer Alternative Name"),
            Map.entry("2.5.29.19", "X509v3 Basic Constraints"), Map.entry("2.5.29.30", "X509v3 Name Constraints"),
            Map.entry("2.5.29.31", "X509v3 CRL Distribution Points"),
            Map.entry("2.5.29.32", "X509v3 Certificate Policies"),
            Map.entry("2.5.29.35", "X509v3 Authority Key Identifier"),
            Map.entry("2.5.29.37", "X509v3 Extended Key Usage"),
            Map.entry("1.3.6.1.5.5.7.1.1", "Authority Information Access"),
            Map.entry("1.3.6.1.4.1.11129.2.4.2", "CT Precertificate SCTs"),
            Map.entry("1.3.6.1.5.5.7.3.1", "TLS Web Server Authentication"),
            Map.entry("1.3.6.1.5.5.7.3.2", "TLS Web Client Authentication"),
            Map.entry("1.3.6.1.5.5.7.3.3", "Code Signing"), Map.entry("1.3.6.1.5.5.7.3.4", "E-mail Protection"),
            Map.entry("1.3.6.1.5.5.7.3.8", "Time Stamping"), Map.entry("1.3.6.1.5.5.7.3.9", "OCSP Signing"),
            Map.entry("2.5.29.37.0", "Any Extended Key Usage"), Map.entry("1.3.6.1.5.5.7.48.1", "OCSP"),
            Map.entry("1.3.6.1.5.5.7.48.2", "CA Issuers"));
    private static final List<String> KEY_USAGES = List.of("Digital Signature", "Non Repudiation",
            "Key Encipherment", "Data Encipherment", "Key Agreement", "Certificate Sign", "CRL Sign", "Encipher Only",
            "Decipher Only");
    /** The string types of X.520 values: PrintableString, UTF8String, IA5String and the others OpenSSL decodes. */
    private static final List<Integer> STRINGS = List.of(0x0c, 0x12, 0x13, 0x14, 0x16, 0x1a, 0x1c, 0x1e);
    private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
        "Nov", "Dec"};

    private CertificateText() {
    }

    /** The chain's text, each line ending in a newline; empty for no certificate. */
    static String of(List<X509Certificate> chain) {
        StringBuilder text = new StringBuilder();
        for (X509Certificate certificate : chain) {
            try {
                one(certificate, text);
            } catch (CertificateEncodingException | CertificateParsingException | DerException e) {
                text.append("Cert:unreadable certificate: ").append(e.getMessage()).append('\n');
            }
        }
        return text.toString();
    }

    private static void one(X509Certificate certificate, StringBuilder text)
            throws CertificateEncodingException, CertificateParsingException {
        line(text, "Subject", name(certificate.getSubjectX500Principal().getEncoded()));
        line(text, "Issuer", name(certificate.getIssuerX500Principal().getEncoded()));
        line(text, "Version", Integer.toHexString(certificate.getVersion() - 1));
        BigInteger serial = certificate.getSerialNumber();
        line(text, "Serial Number", (serial.signum() < 0 ? "-" : "") + HexFormat.of().formatHex(magnitude(serial)));
        line(text, "Signature Algorithm", object(certificate.getSigAlgOID()));
        line(text, "Public Key Algorithm", object(new DerReader(certificate.getPublicKey().getEncoded()).sequence()
                .sequence().objectIdentifier()));
        DerReader tbs = new DerReader(certificate.getTBSCertificate()).sequence();
        while (tbs.hasMore()) {
            if (tbs.peekTag() == 0xa3) { // [3] extensions
                DerReader extensions = tbs.constructed(0xa3).sequence();
                while (extensions.hasMore()) {
                    DerReader extension = extensions.sequence();
                    String oid = extension.objectIdentifier();
                    if (extension.peekTag() == DerReader.BOOLEAN) {
                        extension.element(); // critical: OpenSSL's line does not say
                    }
                    line(text, object(oid), extension(oid, extension.octetString(), certificate));
                }
            } else {
                tbs.element();
            }
        }
        line(text, "Start date", date(certificate.getNotBefore().toInstant().atZone(ZoneOffset.UTC)));
        line(text, "Expire date", date(certificate.getNotAfter().toInstant().atZone(ZoneOffset.UTC)));
        PublicKey key = certificate.getPublicKey();
        if (key instanceof RSAPublicKey rsa) {
            line(text, "RSA Public Key", Integer.toString(rsa.getModulus().bitLength()));
            line(text, "rsa(n)", number(rsa.getModulus()));
            line(text, "rsa(e)", number(rsa.getPublicExponent()));
        } else if (key instanceof DSAPublicKey dsa && dsa.getParams() != null) {
            line(text, "dsa(p)", number(dsa.getParams().getP()));
            line(text, "dsa(q)", number(dsa.getParams().getQ()));
            line(text, "dsa(g)", number(dsa.getParams().getG()));
            line(text, "dsa(pub_key)", number(dsa.getY()));
        }
        StringBuilder signature = new StringBuilder();
        for (byte b : certificate.getSignature()) {
            signature.append(HexFormat.of().toHexDigits(b)).append(':');
        }
        line(text, "Signature", signature.toString());
        // curl writes the PEM without its "Cert:" name.
        text.append(PemWriter.write("CERTIFICATE", certificate.getEncoded()));
    }

    /** A line as curl writes it: a newline added unless the value ends with one. */
    private static void line(StringBuilder text, String name, String value) {
        text.append(name).append(':').append(value);
        if (!value.endsWith("\n")) {
            text.append('\n');
        }
    }

    /** An extension's value as OpenSSL's printer for it writes it. */
    private static String extension(String oid, byte[] value, X509Certificate certificate)
            throws CertificateParsingException {
        DerReader der = new DerReader(value);
        return switch (oid) {
            case "2.5.29.17", "2.5.29.18" -> String.join(", ", generalNames(der.sequence()));
            case "2.5.29.19" -> {
                DerReader constraints = der.sequence();
                boolean ca = constraints.hasMore() && constraints.peekTag() == DerReader.BOOLEAN
                        && constraints.primitive(DerReader.BOOLEAN)[0] != 0;
                yield "CA:" + (ca ? "TRUE" : "FALSE")
                        + (constraints.hasMore() ? ", pathlen:" + constraints.integer() : "");
            }
            case "2.5.29.15" -> {
                List<String> usages = new ArrayList<>();
                boolean[] bits = certificate.getKeyUsage();
                for (int i = 0; bits != null && i < bits.length && i < KEY_USAGES.size(); i++) {
                    if (bits[i]) {
                        usages.add(KEY_USAGES.get(i));
                    }
                }
                yield String.join(", ", usages);
            }
            case "2.5.29.37" -> {
                List<String> purposes = new ArrayList<>();
                DerReader list = der.sequence();
                while (list.hasMore()) {
                    purposes.add(object(list.objectIdentifier()));
                }
                yield String.join(", ", purposes);
            }
            case "2.5.29.14" -> hexPairs(der.octetString());
            case "2.5.29.35" -> authorityKeyIdentifier(der.sequence());
            case "1.3.6.1.5.5.7.1.1" -> {
                List<String> access = new ArrayList<>();
                DerReader descriptions = der.sequence();
                while (descriptions.hasMore()) {
                    DerReader description = descriptions.sequence();
                    access.add(object(description.objectIdentifier()) + " - " + generalNames(description).getFirst());
                }
                yield String.join("\n", access); // OpenSSL's multi-line form
            }
            default -> printable(value);
        };
    }

    /** The key id alone, as OpenSSL 3 writes it; with the issuer or serial number, a line for each. */
    private static String authorityKeyIdentifier(DerReader identifier) {
        List<String> lines = new ArrayList<>();
        boolean keyIdOnly = true;
        while (identifier.hasMore()) {
            int tag = identifier.peekTag();
            switch (tag) {
                case 0x80 -> lines.add("keyid:" + hexPairs(identifier.primitive(tag)));
                case 0xa1 -> lines.addAll(generalNames(identifier.constructed(tag)));
                case 0x82 -> lines.add("serial:" + hexPairs(identifier.primitive(tag)));
                default -> identifier.element();
            }
            keyIdOnly &= tag == 0x80;
        }
        return keyIdOnly && lines.size() == 1 ? lines.getFirst().substring("keyid:".length())
                : String.join("\n", lines);
    }

    /** The general names of a reader's elements as OpenSSL names them: {@code DNS:}, {@code IP Address:}... */
    private static List<String> generalNames(DerReader names) {
        List<String> written = new ArrayList<>();
        while (names.hasMore()) {
            int tag = names.peekTag();
            String name = switch (tag) {
                case 0x81 -> "email:" + ascii(names.primitive(tag));
                case 0x82 -> "DNS:" + ascii(names.primitive(tag));
                case 0x86 -> "URI:" + ascii(names.primitive(tag));
                case 0x87 -> "IP Address:" + address(names.primitive(tag));
                case 0xa4 -> "DirName:" + slashName(names.constructed(tag).element());
                default -> {
                    names.element();
                    yield tag == 0xa0 ? "othername:<unsupported>" : "<unsupported>";
                }
            };
            written.add(name);
        }
        return written;
    }

    /** An IP address as OpenSSL writes one: IPv6 as eight groups of upper-case hex without leading zeros. */
    private static String address(byte[] bytes) {
        StringBuilder text = new StringBuilder();
        if (bytes.length == 4) {
            for (byte b : bytes) {
                text.append(text.isEmpty() ? "" : ".").append(b & 0xff);
            }
        } else if (bytes.length == 16) {
            for (int i = 0; i < 16; i += 2) {
                text.append(text.isEmpty() ? "" : ":")
                        .append(Integer.toHexString((bytes[i] & 0xff) << 8 | bytes[i + 1] & 0xff)
                                .toUpperCase(Locale.ROOT));
            }
        } else {
            text.append("<invalid>");
        }
        return text.toString();
    }

    /** A distinguished name as OpenSSL's one-line form writes it: {@code C = US, O = "Foo, Inc.", CN = foo}. */
    private static String name(byte[] encoded) {
        return name(encoded, ", ", " = ", true);
    }

    /** A distinguished name as OpenSSL's {@code X509_NAME_oneline} writes it: {@code /C=US/CN=foo}. */
    private static String slashName(byte[] encoded) {
        return "/" + name(encoded, "/", "=", false);
    }

    private static String name(byte[] encoded, String separator, String equals, boolean quote) {
        List<String> parts = new ArrayList<>();
        DerReader rdns = new DerReader(encoded).sequence();
        while (rdns.hasMore()) {
            List<String> values = new ArrayList<>();
            DerReader set = rdns.constructed(DerReader.SET);
            while (set.hasMore()) {
                DerReader attribute = set.sequence();
                String oid = attribute.objectIdentifier();
                values.add(ATTRIBUTES.getOrDefault(oid, oid) + equals + value(attribute, quote));
            }
            parts.add(String.join(" + ", values));
        }
        return String.join(separator, parts);
    }

    /**
     * An attribute's value with RFC 2253's escapes, quoted rather than escaped where a character needs it (OpenSSL's
     * {@code ASN1_STRFLGS_ESC_QUOTE}); an unknown type as {@code #} and the hex of its encoding.
     */
    private static String value(DerReader attribute, boolean quote) {
        int tag = attribute.peekTag();
        if (!STRINGS.contains(tag)) {
            return "#" + HexFormat.of().withUpperCase().formatHex(attribute.element());
        }
        byte[] content = attribute.primitive(tag);
        String decoded = switch (tag) {
            case 0x1e -> new String(content, StandardCharsets.UTF_16BE);
            case 0x1c -> new String(content, Charset.forName("UTF-32BE"));
            case 0x0c -> new String(content, StandardCharsets.UTF_8);
            default -> new String(content, StandardCharsets.ISO_8859_1);
        };
        StringBuilder text = new StringBuilder();
        boolean quoted = false;
        byte[] utf8 = decoded.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < utf8.length; i++) {
            int b = utf8[i] & 0xff;
            boolean special = ",+\"\\<>;".indexOf(b) >= 0 || i == 0 && (b == '#' || b == ' ')
                    || i == utf8.length - 1 && b == ' ';
            if (b >= 0x80 || b < 0x20 || b == 0x7f) {
                text.append('\\').append(HexFormat.of().withUpperCase().toHexDigits((byte) b));
            } else {
                quoted |= special && quote;
                text.append((char) b);
            }
        }
        return quoted ? "\"" + text + "\"" : text.toString();
    }

    /** OpenSSL's {@code ASN1_STRING_print}: the bytes, those that are not printable ASCII as dots. */
    private static String printable(byte[] bytes) {
        StringBuilder text = new StringBuilder();
        for (byte b : bytes) {
            text.append(b > '~' || b < ' ' && b != '\n' && b != '\r' ? '.' : (char) b);
        }
        return text.toString();
    }

    private static String ascii(byte[] bytes) {
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    private static String object(String oid) {
        return OBJECTS.getOrDefault(oid, oid);
    }

    /** Upper-case hex pairs joined by colons, as OpenSSL writes key identifiers. */
    private static String hexPairs(byte[] bytes) {
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(bytes);
    }

    /** OpenSSL's {@code BN_print}: upper-case hex without leading zeros. */
    private static String number(BigInteger value) {
        return value.toString(16).toUpperCase(Locale.ROOT);
    }

    /** The bytes of a number's absolute value, without a sign byte, at least one. */
    private static byte[] magnitude(BigInteger value) {
        byte[] bytes = value.abs().toByteArray();
        return bytes.length > 1 && bytes[0] == 0 ? Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
    }

    /** OpenSSL's {@code ASN1_TIME_print}: {@code Dec  4 20:31:13 2026 GMT}. */
    private static String date(ZonedDateTime time) {
        return String.format(Locale.ROOT, "%s %2d %02d:%02d:%02d %d GMT", MONTHS[time.getMonthValue() - 1],
                time.getDayOfMonth(), time.getHour(), time.getMinute(), time.getSecond(), time.getYear());
    }
}
