using ScheduleSearch.Evaluation.NoiseSets;
using ScheduleSearch.Evaluation.References;

namespace ScheduleSearch.Evaluation.Scoring;

/// <summary>A noise set ready for scoring: its draws, the teacher's samples on it (null without a teacher) and their most likely mixture components.</summary>
internal sealed record PreparedSet(NoiseSet Noise, TeacherReference? Teacher, int[]? TeacherComponents);
