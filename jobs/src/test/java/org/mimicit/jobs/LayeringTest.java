package org.mimicit.jobs;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;
import java.util.List;

/**
 * The shape of the code, checked on every build: arrows point down only, from the entry point to
 * the jobs, to the glue the jobs share, to {@code common}; the engine-agnostic parts of {@code
 * common} never see Spark. Main code only (both modules); tests may reach anywhere.
 */
@AnalyzeClasses(packages = "org.mimicit", importOptions = LayeringTest.MainCodeOnly.class)
class LayeringTest {
  /** One package a job: none of them depends on another, only the pipeline composes them. */
  static final List<String> JOBS =
      List.of(
          "images",
          "sources",
          "instructions",
          "incontext",
          "multilingual",
          "generation",
          "export",
          "report");

  /** The glue the jobs share: command line, API stage, ingest, session. */
  static final List<String> GLUE = List.of("cli", "apistage", "ingest", "session");

  /** The parts of {@code common} that run without Spark (and could run under another engine). */
  static final String[] ENGINE_AGNOSTIC = {
    "org.mimicit.common.json..",
    "org.mimicit.common.image..",
    "org.mimicit.common.media..",
    "org.mimicit.common.api..",
    "org.mimicit.common.export..",
    "org.mimicit.common.report..",
    "org.mimicit.common.error.."
  };

  @ArchTest
  static final ArchRule noPackageCycles =
      slices().matching("org.mimicit.(**)").should().beFreeOfCycles();

  @ArchTest
  static final ArchRule commonNeverDependsOnJobs =
      noClasses()
          .that()
          .resideInAPackage("org.mimicit.common..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("org.mimicit.jobs..");

  @ArchTest
  static final ArchRule nothingDependsOnTheEntryPoint =
      noClasses()
          .that()
          .resideOutsideOfPackage("org.mimicit.jobs")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("org.mimicit.jobs");

  @ArchTest
  static final ArchRule noJobDependsOnAnotherJob =
      CompositeArchRule.of(
          JOBS.stream()
              .map(
                  job ->
                      noClasses()
                          .that()
                          .resideInAPackage("org.mimicit.jobs." + job + "..")
                          .should()
                          .dependOnClassesThat()
                          .resideInAnyPackage(jobPackagesBut(job))
                          .as("no class of job package '" + job + "' depends on another job"))
              .map(ArchRule.class::cast)
              .toList());

  @ArchTest
  static final ArchRule sharedGlueDependsOnNoJob =
      noClasses()
          .that()
          .resideInAnyPackage(
              GLUE.stream().map(p -> "org.mimicit.jobs." + p + "..").toArray(String[]::new))
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(jobPackagesBut(null))
          .orShould()
          .dependOnClassesThat()
          .resideInAPackage("org.mimicit.jobs.pipeline..");

  @ArchTest
  static final ArchRule engineAgnosticCommonImportsNoSpark =
      noClasses()
          .that()
          .resideInAnyPackage(ENGINE_AGNOSTIC)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("org.apache.spark..", "scala..");

  private static String[] jobPackagesBut(String job) {
    return JOBS.stream()
        .filter(p -> !p.equals(job))
        .map(p -> "org.mimicit.jobs." + p + "..")
        .toArray(String[]::new);
  }

  /** Main classes of both modules: no test classes, no test jars. */
  static final class MainCodeOnly implements ImportOption {
    @Override
    public boolean includes(Location location) {
      return !location.contains("/test-classes/") && !location.contains("-tests.jar");
    }
  }
}
