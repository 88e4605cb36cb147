package io.leadrouter.util;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SecretsTest {

  @Test
  void maskedUriHidesThePasswordOfTheUserPart() {
    assertThat(Secrets.maskPassword("postgresql://lr:s3cr3t@db:5432/lr")).isEqualTo("postgresql://lr:***@db:5432/lr");
    assertThat(Secrets.maskPassword("jdbc:postgresql://lr:s3cr3t@db/lr?sslmode=require"))
        .isEqualTo("jdbc:postgresql://lr:***@db/lr?sslmode=require");
  }

  @Test
  void maskedUriHidesAPasswordQueryParameter() {
    assertThat(Secrets.maskPassword("postgresql://db/lr?user=lr&password=s3cr3t&sslmode=require"))
        .isEqualTo("postgresql://db/lr?user=lr&password=***&sslmode=require");
    assertThat(Secrets.maskPassword("postgresql://db/lr?PASSWORD=s3cr3t")).isEqualTo("postgresql://db/lr?PASSWORD=***");
  }

  @Test
  void aUriWithoutPasswordStaysAsItIs() {
    assertThat(Secrets.maskPassword("postgresql://lr@db/lr")).isEqualTo("postgresql://lr@db/lr");
    assertThat(Secrets.maskPassword("postgresql://db:5432/lr")).isEqualTo("postgresql://db:5432/lr");
    assertThat(Secrets.maskPassword(null)).isNull();
  }
}
