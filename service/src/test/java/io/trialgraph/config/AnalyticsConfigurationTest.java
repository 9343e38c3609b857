package io.trialgraph.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AnalyticsConfigurationTest {

    private static final long GIB = 1L << 30;

    @Test
    void theRowStoreTakesAboutASixthOfASmallHeapByDefault() {
        // The packaged service's 1 GiB heap: not 20 million cells (up to 300 MB, a third of it).
        assertThat(AnalyticsConfiguration.defaultRowStoreCells(GIB)).isEqualTo(10_737_418);
        assertThat(AnalyticsConfiguration.defaultRowStoreCells(GIB / 4)).isEqualTo(2_684_354);
    }

    @Test
    void aLargeHeapHoldsTwentyMillionCellsAtMost() {
        assertThat(AnalyticsConfiguration.defaultRowStoreCells(2 * GIB)).isEqualTo(20_000_000);
        assertThat(AnalyticsConfiguration.defaultRowStoreCells(64 * GIB)).isEqualTo(20_000_000);
    }

    @Test
    void aSettingWinsOverTheDefaultAndZeroTurnsTheStoreOff() {
        AnalyticsConfiguration config = new AnalyticsConfiguration();
        assertThat(config.getRowStoreCells())
                .isEqualTo(AnalyticsConfiguration.defaultRowStoreCells(
                        Runtime.getRuntime().maxMemory()));
        config.setRowStoreCells(0);
        assertThat(config.getRowStoreCells()).isZero();
        config.setRowStoreCells(30_000_000);
        assertThat(config.getRowStoreCells()).isEqualTo(30_000_000);
        assertThatThrownBy(() -> config.setRowStoreCells(-1))
                .hasMessageContaining("trialgraph.analytics.row-store-cells")
                .hasMessageContaining("must be 0 (off) or more");
    }
}
