# ae_add_lesson(NN FOLDER [DEPENDS MM ...]): the targets of one lesson (ARCHITECTURE.md, "How a
# lesson is built").
#   lesson_NN         the learner's program: main.cpp + report.cpp + the learner's exercise.cpp
#   solution_NN       the reference program: the same main.cpp + report.cpp + solutions/FOLDER/exercise.cpp
#   test_lesson_NN    tests/lesson_FOLDER.cpp against the learner's exercise.cpp
#   test_solution_NN  the same tests against the reference (and, where the reference keeps a tuned
#                     twin, solutions/FOLDER/exercise_fast.cpp, the cases that compare the two)
#   test_given_NN     tests/given_FOLDER.cpp, where it exists: the given code's own tests, linked
#                     with the reference; label given, so the stub check and ./workshop check's
#                     steps leave them out (they are not the learner's and pass on the stubs)
# lessons/FOLDER/given*.cpp (what the lesson provides) is compiled once and linked into both.
# Each doctest case becomes one CTest test, labelled lesson|solution and NN. Earlier lessons
# listed in DEPENDS are linked as their *solutions*, so every lesson can be started on its own.
# main.cpp, report.cpp, given.cpp and the test file are compiled once and linked twice: saving
# exercise.cpp recompiles one file.

# A target reuses the library's precompiled header (same flags, so GCC accepts it). Every target
# made here does, except the check build (lesson_check_NN_exercise: ae_check_pch, below).
function(ae_use_pch target)
  target_precompile_headers(${target} REUSE_FROM ae)
endfunction()

# The learner's check build (lesson_check_NN_exercise, what ./workshop check runs) is compiled
# at -O1 under AddressSanitizer and UndefinedBehaviorSanitizer, with line tables, so that a read
# past a buffer fails its step and scripts/check-steps.py can say where. ASan predefines a macro,
# so GCC would refuse the library's precompiled header: these files get their own, made with the
# same flags (ae_check_pch).
option(AE_CHECK_SANITIZERS "Run ./workshop check's build under ASan and UBSan" ON)
set(AE_CHECK_FLAGS "$<$<CONFIG:Release>:-O1;-g1>")
if(AE_CHECK_SANITIZERS)
  list(APPEND AE_CHECK_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=undefined
    -fno-omit-frame-pointer)
endif()
add_library(ae_check_pch OBJECT ${PROJECT_SOURCE_DIR}/cmake/check_pch.cpp)
target_link_libraries(ae_check_pch PRIVATE ae)
target_compile_options(ae_check_pch PRIVATE ${AE_CHECK_FLAGS})
target_precompile_headers(ae_check_pch PRIVATE ${PROJECT_SOURCE_DIR}/common/include/ae/pch.hpp)

add_library(ae_doctest_main OBJECT ${PROJECT_SOURCE_DIR}/tests/doctest_main.cpp)
target_link_libraries(ae_doctest_main PUBLIC ae doctest::doctest)
ae_use_pch(ae_doctest_main)

# Registers the cases of a doctest executable with CTest (discovered after each build) and
# labels them. With the stub check on (AE_EXPECT_STUBS, as a CMake option or an environment
# variable at ctest time), every learner test is expected to fail: none may pass on a stub.
# An optional fourth argument is a regular expression: a case whose output matches it is
# reported Skipped (the GPU cases without a GPU, the browser case without chromium).
function(ae_register_tests target prefix labels)
  set(skip_regex "")
  if(ARGC GREATER 3)  # ARGV3 alone would read a caller's (ae_add_lesson's) fourth argument
    set(skip_regex "${ARGV3}")
  endif()
  doctest_discover_tests(${target}
    TEST_PREFIX "${prefix}"
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
    TEST_LIST ${target}_TESTS)
  # Runs after doctest's own include file, so the list of test names is known.
  set(_f ${CMAKE_CURRENT_BINARY_DIR}/${target}_properties.cmake)
  set(_will_fail "")
  if(labels MATCHES "^lesson")
    # Plain string comparisons: ctest reads this file without policy CMP0012, so a bare ON or
    # 1 in if() would not be taken as true.
    if(AE_EXPECT_STUBS)
      set(_configured "ON")
    else()
      set(_configured "OFF")
    endif()
    set(_will_fail "if(\"${_configured}\" STREQUAL \"ON\" OR (NOT \"\$ENV{AE_EXPECT_STUBS}\" STREQUAL \"\" AND NOT \"\$ENV{AE_EXPECT_STUBS}\" STREQUAL \"0\"))\n    set_tests_properties(\"\${t}\" PROPERTIES WILL_FAIL TRUE)\n  endif()\n")
  endif()
  set(_skip "")
  if(skip_regex)
    set(_skip " SKIP_REGULAR_EXPRESSION \"${skip_regex}\"")
  endif()
  file(WRITE ${_f}
    "foreach(t IN LISTS ${target}_TESTS)\n"
    "  set_tests_properties(\"\${t}\" PROPERTIES LABELS \"${labels}\" TIMEOUT 900${_skip})\n"
    "  ${_will_fail}"
    "endforeach()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${_f})
endfunction()

function(ae_add_lesson id folder)
  cmake_parse_arguments(ARG "" "" "DEPENDS" ${ARGN})
  set(lesson_dir ${PROJECT_SOURCE_DIR}/lessons/${folder})
  set(solution_dir ${PROJECT_SOURCE_DIR}/solutions/${folder})
  set(test_src ${PROJECT_SOURCE_DIR}/tests/lesson_${folder}.cpp)
  # A lesson is built once its four files exist (lessons are written one at a time).
  foreach(f ${lesson_dir}/main.cpp ${lesson_dir}/exercise.cpp ${solution_dir}/exercise.cpp ${test_src})
    if(NOT EXISTS ${f})
      message(STATUS "Lesson ${id}: ${f} not there yet, lesson skipped")
      return()
    endif()
  endforeach()

  # given.cpp (and given_*.cpp where one file would grow too long): code the lesson provides
  # around the exercise, compiled once for both builds.
  file(GLOB solution_fast CONFIGURE_DEPENDS ${solution_dir}/exercise_fast.cpp)
  set(given_objects "")
  file(GLOB given_sources CONFIGURE_DEPENDS ${lesson_dir}/given.cpp ${lesson_dir}/given_*.cpp)
  if(given_sources)
    add_library(lesson_${id}_given OBJECT ${given_sources})
    target_include_directories(lesson_${id}_given PRIVATE ${lesson_dir} ${PROJECT_SOURCE_DIR}/lessons)
    target_link_libraries(lesson_${id}_given PRIVATE ae)
    ae_use_pch(lesson_${id}_given)
    set(given_objects $<TARGET_OBJECTS:lesson_${id}_given>)
  endif()

  # The implementations of exercise.hpp: the learner's for the program (-O3, like everything
  # else), the learner's for ./workshop check (-O1 under the sanitizers, AE_CHECK_FLAGS above:
  # -O1 compiles in about 60 % of the time, so a saved exercise is checked in seconds; the test
  # cases are small), and the reference.
  foreach(variant lesson lesson_check solution)
    set(lib ${variant}_${id}_exercise)
    if(variant STREQUAL "solution")
      # exercise_fast.cpp, where there is one: tuned twins of the plain reference (the benchmarks).
      add_library(${lib} STATIC ${solution_dir}/exercise.cpp ${solution_fast} ${given_objects})
      target_include_directories(${lib} PUBLIC ${PROJECT_SOURCE_DIR}/solutions)
    else()
      add_library(${lib} STATIC ${lesson_dir}/exercise.cpp ${given_objects})
    endif()
    if(variant STREQUAL "lesson_check")
      target_compile_options(${lib} PRIVATE ${AE_CHECK_FLAGS})
      if(AE_CHECK_SANITIZERS)
        target_link_options(${lib} INTERFACE -fsanitize=address,undefined)
      endif()
    endif()
    # Its own exercise.hpp as "exercise.hpp"; earlier lessons' as "01_linear_pca/exercise.hpp".
    target_include_directories(${lib} PRIVATE ${lesson_dir} PUBLIC ${PROJECT_SOURCE_DIR}/lessons)
    set_target_properties(${lib} PROPERTIES ARCHIVE_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/lib)
    target_link_libraries(${lib} PUBLIC ae)
    if(variant STREQUAL "lesson_check")
      target_precompile_headers(${lib} REUSE_FROM ae_check_pch)
    else()
      ae_use_pch(${lib})
    endif()
    foreach(dep IN LISTS ARG_DEPENDS)
      target_link_libraries(${lib} PUBLIC solution_${dep}_exercise)
    endforeach()
  endforeach()

  # main.cpp and the tests: compiled once, linked against either implementation. They see
  # exercise.hpp of this lesson, and earlier lessons' as "01_linear_pca/exercise.hpp".
  set(include_dirs ${lesson_dir} ${PROJECT_SOURCE_DIR}/lessons)
  # report.cpp, and report_*.cpp where one file would grow too long.
  file(GLOB report_sources CONFIGURE_DEPENDS ${lesson_dir}/report.cpp ${lesson_dir}/report_*.cpp)
  set(main_sources ${lesson_dir}/main.cpp ${report_sources})
  add_library(lesson_${id}_main OBJECT ${main_sources})
  add_library(lesson_${id}_tests OBJECT ${test_src})
  foreach(obj lesson_${id}_main lesson_${id}_tests)
    target_include_directories(${obj} PRIVATE ${include_dirs})
    target_link_libraries(${obj} PRIVATE ae doctest::doctest)
    ae_use_pch(${obj})
  endforeach()

  # With a tuned twin, the reference's tests are compiled once more with AE_REFERENCE_TESTS: the
  # cases under it compare the twin with the plain reference (the learner's build has no twin).
  set(solution_tests lesson_${id}_tests)
  if(solution_fast)
    set(solution_tests lesson_${id}_reference_tests)
    add_library(${solution_tests} OBJECT ${test_src})
    target_include_directories(${solution_tests} PRIVATE ${include_dirs} ${PROJECT_SOURCE_DIR}/solutions)
    target_compile_definitions(${solution_tests} PRIVATE AE_REFERENCE_TESTS)
    target_link_libraries(${solution_tests} PRIVATE ae doctest::doctest)
    ae_use_pch(${solution_tests})
  endif()

  foreach(kind lesson solution)
    add_executable(${kind}_${id} $<TARGET_OBJECTS:lesson_${id}_main>)
    target_link_libraries(${kind}_${id} PRIVATE ${kind}_${id}_exercise)
    set(tests_obj lesson_${id}_tests)
    if(kind STREQUAL "solution")
      set(tests_obj ${solution_tests})
    endif()
    add_executable(test_${kind}_${id} $<TARGET_OBJECTS:${tests_obj}> $<TARGET_OBJECTS:ae_doctest_main>)
    set(tested ${kind}_${id}_exercise)
    if(kind STREQUAL "lesson")
      set(tested lesson_check_${id}_exercise)
    endif()
    target_link_libraries(test_${kind}_${id} PRIVATE ${tested} doctest::doctest)
    set_target_properties(${kind}_${id} test_${kind}_${id} PROPERTIES
      RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bin)
    ae_register_tests(test_${kind}_${id} "${kind}_${id}: " "${kind};${id}")
  endforeach()

  # The tests of what the lesson gives (readers, generators, checkpoints: given*.cpp), apart
  # from the learner's steps, run once against the reference.
  file(GLOB given_test_src CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/tests/given_${folder}.cpp)
  if(given_test_src)
    add_executable(test_given_${id} ${given_test_src} $<TARGET_OBJECTS:ae_doctest_main>)
    target_include_directories(test_given_${id} PRIVATE ${include_dirs})
    target_link_libraries(test_given_${id} PRIVATE solution_${id}_exercise doctest::doctest)
    ae_use_pch(test_given_${id})
    set_target_properties(test_given_${id} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bin)
    ae_register_tests(test_given_${id} "given_${id}: " "given;${id}")
  endif()
endfunction()
