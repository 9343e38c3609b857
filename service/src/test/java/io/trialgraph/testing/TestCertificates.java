package io.trialgraph.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates for TLS tests, made at test time in a folder (no key is ever committed): a CA, and
 * server or client certificates it signs, written as PEM files the way an operator would have
 * them (certificate chain, PKCS#8 private key). EC P-256 keys, valid for one day.
 */
public final class TestCertificates {

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    private final Path folder;
    private final String name;
    private final KeyPair keys;
    private final X509Certificate certificate;

    private TestCertificates(Path folder, String name, KeyPair keys, X509Certificate certificate) {
        this.folder = folder;
        this.name = name;
        this.keys = keys;
        this.certificate = certificate;
    }

    /** A certificate authority named {@code name}, its certificate written to {@code <name>.pem}. */
    public static TestCertificates authority(Path folder, String name) {
        KeyPair keys = newKeys();
        X509v3CertificateBuilder builder = builder(name, name, keys);
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        TestCertificates ca = new TestCertificates(folder, name, keys, sign(builder, keys.getPrivate()));
        ca.writeCertificate();
        return ca;
    }

    /** @return the PEM file of this CA's (or leaf's) certificate */
    public Path certificate() {
        return folder.resolve(name + ".pem");
    }

    /** @return the PEM file of the PKCS#8 private key (written for leaf certificates only) */
    public Path privateKey() {
        return folder.resolve(name + ".key");
    }

    /** A server certificate for {@code localhost} and {@code 127.0.0.1}, signed by this CA, with its key. */
    public TestCertificates issueServer(String leafName) {
        return issue(leafName, KeyPurposeId.id_kp_serverAuth, true);
    }

    /** A client certificate signed by this CA, with its key. */
    public TestCertificates issueClient(String leafName) {
        return issue(leafName, KeyPurposeId.id_kp_clientAuth, false);
    }

    private TestCertificates issue(String leafName, KeyPurposeId purpose, boolean server) {
        KeyPair leafKeys = newKeys();
        X509v3CertificateBuilder builder = builder(name, leafName, leafKeys);
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
            if (server) {
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                        new GeneralName(GeneralName.dNSName, "localhost"),
                        new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        TestCertificates leaf = new TestCertificates(folder, leafName, leafKeys, sign(builder, keys.getPrivate()));
        leaf.writeCertificate();
        leaf.writePrivateKey();
        return leaf;
    }

    private static X509v3CertificateBuilder builder(String issuer, String subject, KeyPair keys) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(new X500Name("CN=" + issuer), BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(1))),
                new X500Name("CN=" + subject), keys.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey) {
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair newKeys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(256);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private void writeCertificate() {
        write(certificate(), certificate);
    }

    private void writePrivateKey() {
        try {
            write(privateKey(), new JcaPKCS8Generator(keys.getPrivate(), null).generate());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, Object pem) {
        try (Writer out = Files.newBufferedWriter(file); JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(pem);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
