//! The console's pages for sign-in, account and staff administration, as askama templates.

use crate::pages::Layout;
use askama::Template;
use tolbooth_domain::staff::role::Role;
use tolbooth_domain::staff::StaffMember;

#[derive(Template)]
#[template(path = "staff/login.html")]
pub struct LoginPage {
    pub layout: Layout,
    pub csrf: String,
    pub username: String,
    pub error: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "staff/second_factor.html")]
pub struct SecondFactorPage {
    pub layout: Layout,
    pub organisation: String,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "staff/change_password.html")]
pub struct ChangePasswordPage {
    pub layout: Layout,
    pub must_change: bool,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "staff/enrol_second_factor.html")]
pub struct EnrolPage {
    pub layout: Layout,
    pub required: bool,
    pub secret: String,
    pub qr_svg: String,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "staff/recovery_codes.html")]
pub struct RecoveryCodesPage {
    pub layout: Layout,
    pub codes: Vec<String>,
}

#[derive(Template)]
#[template(path = "staff/account.html")]
pub struct AccountPage {
    pub layout: Layout,
    pub member: StaffMember,
    pub recovery_left: i64,
}

pub struct StaffNotice {
    pub text: String,
    pub username: String,
    pub one_time_password: Option<String>,
}

#[derive(Template)]
#[template(path = "staff/staff_admin.html")]
pub struct StaffAdminPage {
    pub layout: Layout,
    pub staff: Vec<StaffMember>,
    pub roles: Vec<Role>,
    pub error: Option<String>,
    pub notice: Option<StaffNotice>,
}
