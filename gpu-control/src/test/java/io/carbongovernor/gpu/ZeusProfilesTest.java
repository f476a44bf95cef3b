package io.carbongovernor.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZeusProfilesTest {

  private static final String HEADER = "dataset,network,batch_size,optimizer,power_limit,time_per_epoch,average_power\n";

  private final PowerProfile resnet = ZeusProfiles.bundled("a40").profile("imagenet/resnet50", 256);

  @Test
  void bundledA40ListsWorkloadsAndBatchSizes() {
    ZeusProfiles a40 = ZeusProfiles.bundled("A40");
    assertThat(a40.family()).isEqualTo("a40");
    assertThat(a40.workloads()).containsExactly("cifar100/shufflenetv2", "imagenet/resnet50",
        "librispeech/deepspeech2", "movielens-1m/ncf", "sentiment140/bert_base_uncased", "squad/bert_base_uncased");
    assertThat(a40.batchSizes("imagenet/resnet50")).containsExactly(8, 16, 32, 64, 128, 192, 256, 360, 512);
  }

  @Test
  void interpolatesBetweenMeasuredLimits() {
    // A40 rows: 150 W -> 6326.84 s, 144.60818674199163 W; 175 W -> 4705.61 s, 160.22988166803555 W.
    // At 160 W (0.4 of the way): 6326.84 + 0.4 * (4705.61 - 6326.84) = 5678.348 s,
    // 144.608187 + 0.4 * 15.621695 = 150.856865 W, throughput 3847.48 / 5678.348 = 0.677570.
    Power limit = Power.ofWatts(160);
    assertThat(resnet.epochSecondsAt(limit)).isCloseTo(5678.348, within(1e-6));
    assertThat(resnet.epochTimeAt(limit)).isEqualTo(Duration.ofMillis(5_678_348));
    assertThat(resnet.averagePowerAt(limit)).isEqualTo(Power.ofMilliwatts(150_857));
    assertThat(resnet.relativeThroughputAt(limit)).isCloseTo(0.6775703, within(1e-6));
    // 5678.348 s * 150.856865 W; profile powers are held to the milliwatt, hence the tolerance.
    assertThat(resnet.epochEnergyAt(limit).joules()).isCloseTo(856_617.776, within(1.0));
  }

  @Test
  void exactAtMeasuredLimitsAndOneAtTheHighest() {
    assertThat(resnet.epochTimeAt(Power.ofWatts(300))).isEqualTo(Duration.ofMillis(3_847_480));
    assertThat(resnet.relativeThroughputAt(Power.ofWatts(300))).isEqualTo(1.0);
    assertThat(resnet.averagePowerAt(Power.ofWatts(175))).isEqualTo(Power.ofMilliwatts(160_230));
    assertThat(resnet.lowestLimit()).isEqualTo(Power.ofWatts(100));
    assertThat(resnet.highestLimit()).isEqualTo(Power.ofWatts(300));
    assertThat(resnet.points()).hasSize(9);
  }

  @Test
  void clampsOutsideTheMeasuredRange() {
    assertThat(resnet.epochTimeAt(Power.ofWatts(50))).isEqualTo(resnet.epochTimeAt(Power.ofWatts(100)));
    assertThat(resnet.averagePowerAt(Power.ofWatts(400))).isEqualTo(resnet.averagePowerAt(Power.ofWatts(300)));
    assertThat(resnet.relativeThroughputAt(Power.ofWatts(400))).isEqualTo(1.0);
  }

  @Test
  void labelsTheSource() {
    assertThat(resnet.source()).isEqualTo("zeus:a40 imagenet/resnet50 bs=256");
  }

  @Test
  void severalOptimizersDefaultToTheFirstListed() {
    ZeusProfiles v100 = ZeusProfiles.bundled("v100");
    assertThat(v100.optimizers("cifar100/shufflenetv2", 1024)).containsExactly("adadelta", "adam");
    PowerProfile adadelta = v100.profile("cifar100/shufflenetv2", 1024);
    PowerProfile adam = v100.profile("cifar100/shufflenetv2", 1024, "adam");
    assertThat(adadelta.epochSecondsAt(Power.ofWatts(100))).isCloseTo(11.276666666666666, within(1e-9));
    assertThat(adam.epochSecondsAt(Power.ofWatts(100))).isCloseTo(11.086666666666668, within(1e-9));
    assertThat(adam.source()).isEqualTo("zeus:v100 cifar100/shufflenetv2 bs=1024 adam");
    assertThat(adadelta.highestLimit()).isEqualTo(Power.ofWatts(250));
  }

  @Test
  void unknownWorkloadListsWhatExists() {
    assertThatThrownBy(() -> ZeusProfiles.bundled("a40").profile("mnist/lenet", 32))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown workload 'mnist/lenet'")
        .hasMessageContaining("imagenet/resnet50");
  }

  @Test
  void unknownBatchSizeListsWhatExists() {
    assertThatThrownBy(() -> ZeusProfiles.bundled("a40").profile("imagenet/resnet50", 100))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no batch size 100 for imagenet/resnet50")
        .hasMessageContaining("256");
  }

  @Test
  void unknownFamily() {
    assertThatThrownBy(() -> ZeusProfiles.bundled("h100")).hasMessageContaining("a40, v100");
  }

  @Test
  void readsAFileAndTakesTheFamilyFromItsName(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("summary_power_l4.csv");
    Files.writeString(file, HEADER
        + "imagenet,resnet50,64,adadelta,200,10.0,150.0\r\n"
        + "imagenet,resnet50,64,adadelta,100,20.0,90.0\r\n\n");
    PowerProfile p = ZeusProfiles.read(file).profile("imagenet/resnet50", 64);
    assertThat(p.source()).isEqualTo("zeus:l4 imagenet/resnet50 bs=64");
    assertThat(p.epochSecondsAt(Power.ofWatts(150))).isEqualTo(15.0);
    assertThat(p.relativeThroughputAt(Power.ofWatts(100))).isEqualTo(0.5);
    assertThat(p.epochEnergyAt(Power.ofWatts(100))).isEqualTo(Energy.ofJoules(1800));
  }

  @Test
  void malformedNumberNamesFileAndLine(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad.csv");
    Files.writeString(file, HEADER
        + "imagenet,resnet50,64,adadelta,200,10.0,150.0\n"
        + "imagenet,resnet50,64,adadelta,100,fast,90.0\n");
    assertThatThrownBy(() -> ZeusProfiles.read(file))
        .isInstanceOfSatisfying(ProfileFormatException.class, e -> {
          assertThat(e.line()).isEqualTo(3);
          assertThat(e.file()).isEqualTo(file.toString());
        })
        .hasMessage(file + ":3: time_per_epoch is not a number: 'fast'");
  }

  @Test
  void otherFormatErrors(@TempDir Path dir) throws Exception {
    assertThat(error(dir, "dataset,network,batch_size\n")).hasMessageContaining(":1: missing column 'optimizer'");
    assertThat(error(dir, HEADER + "imagenet,resnet50,64,adadelta,200,10.0\n")).hasMessageContaining(":2: expected 7 columns, got 6");
    assertThat(error(dir, HEADER + "imagenet,resnet50,64,adadelta,200,0,150\n")).hasMessageContaining(":2: time_per_epoch must be positive");
    assertThat(error(dir, HEADER + "imagenet,resnet50,6.5,adadelta,200,1,150\n")).hasMessageContaining(":2: batch_size must be a whole number");
    assertThat(error(dir, HEADER + "a,b,8,adam,200,1,150\na,b,8,adam,200,2,150\n"))
        .hasMessageContaining(":3: duplicate power_limit 200.0 W").hasMessageContaining("first on line 2");
    assertThat(error(dir, "")).hasMessageContaining(":1: empty file");
    assertThat(error(dir, HEADER)).hasMessageContaining("no data rows");
  }

  @Test
  void profileNeedsDistinctPoints() {
    var point = new PowerProfile.Point(Power.ofWatts(100), Duration.ofSeconds(1), Power.ofWatts(90));
    assertThatThrownBy(() -> PowerProfile.of("x", List.of())).hasMessageContaining("at least one point");
    assertThatThrownBy(() -> PowerProfile.of("x", List.of(point, point))).hasMessageContaining("two points for power limit 100 W");
    assertThat(PowerProfile.of("x", List.of(point)).relativeThroughputAt(Power.ofWatts(250))).isEqualTo(1.0);
  }

  private static ProfileFormatException error(Path dir, String content) throws Exception {
    Path file = Files.createTempFile(dir, "p", ".csv");
    Files.writeString(file, content);
    try {
      ZeusProfiles.read(file, "test");
    } catch (ProfileFormatException e) {
      return e;
    }
    throw new AssertionError("no error for " + content);
  }
}
