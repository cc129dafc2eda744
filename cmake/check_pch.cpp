// Compiled only to make the precompiled header of the learner's check build (cmake/AeLesson.cmake,
// ae_check_pch): the same flags as lesson_check_NN_exercise, so GCC accepts the header there.
