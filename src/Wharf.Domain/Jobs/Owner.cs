namespace Wharf.Domain.Jobs;

/// <summary>Who owns a job: the user who created it and the project it belongs to (UCloud's <c>owner</c>).</summary>
/// <param name="CreatedBy">The user name of the creator.</param>
/// <param name="Project">The project; every user of the project may see and change the job.</param>
public sealed record Owner(string CreatedBy, string Project);
